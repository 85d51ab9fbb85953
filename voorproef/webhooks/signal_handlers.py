from __future__ import annotations

from typing import Any

from voorproef.core import events

from .services import deliveries_create


def _on_event(sender: Any, *, event: events.Event, **kwargs: Any) -> None:
    # deliveries_create writes in a savepoint of its own: stored with what the reader did.
    deliveries_create(event=event)


def connect() -> None:
    events.happened.connect(_on_event, dispatch_uid="webhooks-events")
