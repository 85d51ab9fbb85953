from __future__ import annotations

from django_tasks import task

from .services import delivery_send


@task()
def delivery_send_task(delivery_id: int) -> None:
    delivery_send(delivery_id=delivery_id)


@task()
def deliveries_send_task(delivery_ids: list[int]) -> None:
    """An event's deliveries, one job for all (one row in the queue, not one per webhook)."""
    for delivery_id in delivery_ids:
        delivery_send(delivery_id=delivery_id)
