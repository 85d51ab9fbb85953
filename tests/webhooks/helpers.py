"""Webhooks as the tests make them: on loopback, which they allow explicitly."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from voorproef.webhooks.models import Delivery, Webhook
from voorproef.webhooks.services import delivery_send, webhook_create


def hook(url: str, events: list[str] | None = None, **kwargs: Any) -> tuple[Webhook, str]:
    return webhook_create(
        name=kwargs.pop("name", "CRM"),
        url=url,
        events=events if events is not None else ["lead.created"],
        allow_private=kwargs.pop("allow_private", True),
        **kwargs,
    )


def send_all() -> None:
    """What a worker does with each queued delivery that is due, once."""
    queued = Delivery.objects.filter(status=Delivery.Status.QUEUED).order_by("pk")
    for pk in queued.values_list("pk", flat=True):
        delivery_send(delivery_id=pk)


def due_now() -> None:
    """The clock moves on to every queued delivery's next attempt."""
    from django.utils import timezone

    with transaction.atomic():
        Delivery.objects.filter(status=Delivery.Status.QUEUED).update(
            next_attempt_at=timezone.now()
        )
