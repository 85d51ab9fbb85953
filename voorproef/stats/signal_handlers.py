from __future__ import annotations

from typing import Any

from django.db import transaction

from voorproef.core import events

from .services import event_record


def _on_event(sender: Any, *, event: events.Event, **kwargs: Any) -> None:
    # Counted once the reader's transaction commits: a rolled-back request counts nothing.
    transaction.on_commit(lambda: event_record(event), robust=True)


def connect() -> None:
    events.happened.connect(_on_event, dispatch_uid="stats-events")
