from __future__ import annotations

from voorproef.core import events

from .services import deliveries_create


def _on_event(event: events.Event) -> None:
    # In a savepoint of its own (events.follow): stored with what the reader did.
    deliveries_create(event=event)


def connect() -> None:
    events.follow(_on_event, dispatch_uid="webhooks-events")
