"""What readers did, told to the rooms that follow along (statistics, webhooks, a mailing
tool) without the feature apps knowing any of them.

A feature app calls `emit` where the thing happens, inside the transaction that stores it, so
a follower that writes (a webhook delivery) commits or rolls back with it. A follower that only
counts waits for the commit (`transaction.on_commit`). Followers are connected with `follow` in
their app's `ready()`:

    events.follow(_on_event, dispatch_uid="stats-events")

    def _on_event(event: events.Event) -> None: ...

`follow` runs each follower in a savepoint of its own and logs what it raises: a follower's
failure (a bug, a database error, which on PostgreSQL would otherwise abort the whole
transaction) rolls back that follower's writes only, never what the reader did. A follower
that touches no table inside the transaction (it counts after the commit), or opens its own
savepoint around what it reads and writes, says `savepoint=False`: a savepoint is two more
statements in every reader's post, on SQLite inside the one writer's turn that every other
post waits for. An event emitted after a commit (outside any transaction) opens none: a
follower that writes there makes its own writes one transaction, and one that writes nothing
costs no transaction (on SQLite, one more turn at the single writer's lock for every reader's
post).

Every event a feature app emits is named in `NAMES`, with what its `subject` is and what its
`data` holds. A follower must ignore names it does not know: new ones will come.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

happened = Signal()

#: name -> (subject, data keys). Names follow the Standard Webhooks habit: `thing.past_tense`.
NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    # A reader asked for the PDF (the form was sent and stored).
    "lead.created": ("DownloadRequest", ("newsletter", "ip_network", "user_agent")),
    # The reader clicked the link in their mail: the address is theirs (double opt-in only).
    "lead.confirmed": ("DownloadRequest", ()),
    # The personal copy was fetched; `first` for the first time for this request.
    "pdf.fetched": ("DownloadRequest", ("first",)),
    # A newsletter consent became valid: the address was confirmed with it.
    "newsletter.consented": ("Consent", ()),
    # No more newsletter for an address (unsubscribe link or "Mijn gegevens"); once per address.
    "newsletter.withdrawn": ("None", ("email",)),
    # A reader's message to the authors was stored.
    "message.received": ("ReaderMessage", ("ip_network", "user_agent")),
    # A comment was stored, whatever the checks decided (`status`: approved, pending, spam).
    "comment.posted": ("Comment", ("status", "ip_network", "user_agent")),
    # A comment was approved (by the checks or a moderator; again if unapproved and approved).
    "comment.published": ("Comment", ()),
    # Everything held about an address was erased (a copy elsewhere should go too).
    "reader.erased": ("None", ("email",)),
}


@dataclass(frozen=True)
class Event:
    name: str
    essay_id: int | None
    subject: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=timezone.now)


def contained() -> AbstractContextManager[Any]:
    """A savepoint inside a transaction, so a failure there (on PostgreSQL, one that would
    abort the whole transaction) rolls back no more than what it holds; outside a
    transaction, none is opened (on SQLite it would wait for the writers' turn)."""
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return nullcontext()


def follow(follower: Callable[[Event], None], *, dispatch_uid: str, savepoint: bool = True) -> None:
    """Have `follower` told of every event, in a savepoint of its own inside a transaction
    (unless it needs none: see above)."""

    def guarded(sender: Any, *, event: Event, **kwargs: Any) -> None:
        try:
            with contained() if savepoint else nullcontext():
                follower(event)
        except Exception:
            logger.exception("event %s: follower %s failed", event.name, dispatch_uid)

    happened.connect(guarded, dispatch_uid=dispatch_uid, weak=False)


def emit(name: str, *, essay_id: int | None, subject: Any = None, **data: Any) -> Event:
    """Tell every follower. A follower that fails is logged and does not stop the others or
    the reader's request: what the reader did is stored whatever a follower does with it."""
    assert name in NAMES, f"unknown event {name!r}: add it to events.NAMES"
    event = Event(name=name, essay_id=essay_id, subject=subject, data=data)
    for receiver, result in happened.send_robust(sender=Event, event=event):
        if isinstance(result, Exception):
            logger.error("event %s: follower %s failed", name, receiver, exc_info=result)
    return event
