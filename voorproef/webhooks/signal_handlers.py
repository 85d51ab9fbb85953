from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from voorproef.core import events

from .services import active_webhooks_forget, deliveries_create


def _on_event(event: events.Event) -> None:
    # Stored with what the reader did, in a savepoint deliveries_create opens only when a
    # webhook wants the event (the list is read in one of its own).
    deliveries_create(event=event)


def _webhook_changed(sender: Any, **kwargs: Any) -> None:
    active_webhooks_forget()


def connect() -> None:
    from .models import Webhook

    events.follow(_on_event, dispatch_uid="webhooks-events", savepoint=False)
    post_save.connect(_webhook_changed, sender=Webhook, dispatch_uid="webhooks-saved")
    post_delete.connect(_webhook_changed, sender=Webhook, dispatch_uid="webhooks-deleted")
