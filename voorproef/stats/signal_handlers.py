from __future__ import annotations

from django.db import transaction

from voorproef.core import events

from .services import event_record


def _on_event(event: events.Event) -> None:
    # Counted once the reader's transaction commits: a rolled-back request counts nothing.
    transaction.on_commit(lambda: event_record(event), robust=True)


def connect() -> None:
    # No savepoint: nothing is read or written before the commit.
    events.follow(_on_event, dispatch_uid="stats-events", savepoint=False)
