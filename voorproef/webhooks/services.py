from __future__ import annotations

import http.client
import json
import logging
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voorproef.core.events import Event, contained
from voorproef.core.links import absolute_url
from voorproef.core.workers import job_enqueue, jobs_requeue
from voorproef.mail.services import editors_address, mail_queue

from . import connectors, payloads, signing, transport
from .models import CONNECTOR_EVENTS, EVENTS, Delivery, Webhook

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=15)
SWEEP_OVERDUE = timedelta(minutes=2)
USER_AGENT = "Voorproef-Webhooks/1"


def _private_allowed(webhook: Webhook) -> bool:
    return webhook.allow_private or settings.WEBHOOKS_ALLOW_PRIVATE


def webhook_check(*, webhook: Webhook) -> None:
    """Whether the webhook can be saved as it is: its events known, and its address one that
    may be reached (resolved now; again at every delivery)."""
    unknown = [name for name in webhook.events if name not in EVENTS]
    if unknown:
        raise ValidationError({"events": _("Unknown events: %s") % ", ".join(unknown)})
    if webhook.kind == Webhook.Kind.STANDARD:
        if not webhook.url:
            raise ValidationError({"url": _("A webhook needs an address.")})
        if not webhook.events:
            raise ValidationError({"events": _("Choose at least one event.")})
    elif not webhook.list_id:
        raise ValidationError({"list_id": _("Fill in the list's id from the mailing tool.")})
    if webhook.url:
        try:
            transport.target_resolve(webhook.url, allow_private=_private_allowed(webhook))
        except transport.Refused as error:
            raise ValidationError(
                {"url": _("This address cannot be used: %(reason)s") % {"reason": error}}
            ) from None


def webhook_create(
    *,
    name: str,
    url: str,
    events: list[str],
    kind: str = Webhook.Kind.STANDARD,
    list_id: str = "",
    allow_private: bool = False,
    active: bool = True,
) -> tuple[Webhook, str]:
    """A new webhook and its signing secret, which is shown this once and never again."""
    webhook = Webhook(
        name=name,
        url=url,
        events=[] if kind != Webhook.Kind.STANDARD else sorted(set(events), key=list(EVENTS).index),
        kind=kind,
        list_id=list_id,
        allow_private=allow_private,
        active=active,
    )
    webhook_check(webhook=webhook)
    webhook.full_clean()
    secret = signing.secret_new()
    webhook.secret_sealed = signing.seal(secret)
    webhook.save()
    return webhook, secret


def webhook_secret_rotate(*, webhook: Webhook, overlap: timedelta | None = None) -> str:
    """A new secret; the old one keeps signing alongside it for the overlap, so receivers can
    switch without losing a delivery."""
    if overlap is None:
        overlap = timedelta(hours=settings.WEBHOOK_ROTATION_OVERLAP_HOURS)
    secret = signing.secret_new()
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
        if overlap > timedelta(0) and webhook.secret_sealed:
            webhook.previous_secret_sealed = webhook.secret_sealed
            webhook.previous_secret_until = timezone.now() + overlap
        else:
            webhook.previous_secret_sealed = ""
            webhook.previous_secret_until = None
        webhook.secret_sealed = signing.seal(secret)
        webhook.save(
            update_fields=["secret_sealed", "previous_secret_sealed", "previous_secret_until"]
        )
    return secret


def webhook_secrets(webhook: Webhook) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    valid = [signing.unseal(webhook.secret_sealed)]
    until = webhook.previous_secret_until
    if webhook.previous_secret_sealed and until and until > timezone.now():
        valid.append(signing.unseal(webhook.previous_secret_sealed))
    return valid


def webhook_activate(*, webhook: Webhook) -> None:
    """Switched on again (by an editor): what waited while it was off goes out now."""
    Webhook.objects.filter(pk=webhook.pk).update(
        active=True, failing_since=None, disabled_at=None, disabled_reason=""
    )
    active_webhooks_forget()
    deliveries_requeue(webhook=webhook)


def _enqueue(delivery_id: int, *, at: datetime | None = None) -> None:
    from .tasks import delivery_send_task

    if at is not None and at.microsecond:
        # RQ keeps a job's time in whole seconds (see the outbox): never run before due.
        at = at.replace(microsecond=0) + timedelta(seconds=1)
    task = delivery_send_task.using(run_after=at) if at else delivery_send_task
    job_enqueue(lambda: task.enqueue(delivery_id))


def _enqueue_batch(delivery_ids: list[int]) -> None:
    from .tasks import deliveries_send_task

    job_enqueue(lambda: deliveries_send_task.enqueue(delivery_ids))


# The active webhooks as this process last read them, and until when it trusts that (monotonic
# seconds): an event, which a reader's post holds SQLite's writers' lock for, reads none. A
# change made in this process is seen at once (`active_webhooks_forget`, on every save, delete
# and switch); one made in another (the admin's, the worker's) within ACTIVE_SECONDS, as a page
# change is (core/pagecache). A delivery for a webhook switched off meanwhile is not sent.
ACTIVE_SECONDS = 1.0
_active: list[tuple[float, list[Webhook]]] = []


def _active_webhooks() -> list[Webhook]:
    now = time.monotonic()
    if _active and _active[0][0] > now:
        return _active[0][1]
    with contained():  # in a reader's transaction, a failure costs this read only
        hooks = list(Webhook.objects.filter(active=True))
    _active[:] = [(now + ACTIVE_SECONDS, hooks)]
    return hooks


def active_webhooks_forget() -> None:
    """Read the active webhooks afresh at the next event: at once, for this transaction's own
    events, and again once it commits (another thread of this process may read the list, still
    without the change, before then)."""
    _active.clear()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_active.clear)


def deliveries_create(*, event: Event) -> list[Delivery]:
    """One delivery for every active webhook that wants the event, stored in the transaction
    that stored what the reader did; sent once that commits."""
    if event.name not in EVENTS:
        return []
    hooks = [hook for hook in _active_webhooks() if hook.wants(event.name)]
    if not hooks:
        return []
    # What is read for the payload and what is written, in a savepoint: a failure here rolls
    # back the deliveries only, never what the reader did (events.follow).
    with transaction.atomic():
        body = payloads.payload(event)
        email = str(body["data"].get("email") or "")
        network = payloads.signup_network(event) if event.name in CONNECTOR_EVENTS else ""
        rows = []
        for hook in hooks:
            payload = body
            if hook.kind == Webhook.Kind.LAPOSTA and network:
                payload = {**body, "data": {**body["data"], "ip": network}}
            rows.append(
                Delivery(
                    webhook=hook,
                    event=event.name,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    payload=payload,
                    email=email[:254],
                )
            )
        created = Delivery.objects.bulk_create(rows)
        ids = [delivery.pk for delivery in created]
        _enqueue_batch(ids)
    return created


def _standard_request(webhook: Webhook, delivery: Delivery) -> connectors.ApiRequest:
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            secrets_valid=webhook_secrets(webhook),
            message_id=delivery.message_id,
            timestamp=timestamp,
            body=body,
        ),
    }
    return connectors.ApiRequest("POST", webhook.url, body, headers)


def _permanent_status(status: int) -> bool:
    """4xx: the receiver refused this delivery; trying again will not change its mind. A
    redirect is not followed (it could lead anywhere). 408 and 429 ask to try later."""
    return 300 <= status < 500 and status not in {408, 429}


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one queued delivery. Anything not queued (delivered, being sent, failed) is left
    alone, so a retried or duplicated job never sends twice."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Delivery.Status.QUEUED:
            return delivery
        if delivery.next_attempt_at > timezone.now() or not delivery.webhook.active:
            return delivery  # early duplicate, or switched off: it waits
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.claimed_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "claimed_at"])

    webhook = delivery.webhook
    delivery.last_attempt_at = timezone.now()
    try:
        if webhook.is_connector:
            api = connectors.api_request(webhook, delivery)
        else:
            api = _standard_request(webhook, delivery)
        answer = transport.request(
            api.method,
            api.url,
            body=api.body,
            headers={"User-Agent": USER_AGENT, **api.headers},
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_private=_private_allowed(webhook),
        )
    except (transport.Refused, connectors.NotConfigured, signing.SecretUnreadable) as error:
        _attempt_failed(delivery, f"{error}", permanent=True)
        return delivery
    except (OSError, http.client.HTTPException) as error:
        _attempt_failed(delivery, f"{type(error).__name__}: {error}")
        return delivery

    delivery.response_code = answer.status
    delivery.response_ms = answer.ms
    if 200 <= answer.status < 300 or answer.status in api.also_done:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        if delivery.event == "reader.erased":
            # The erased address was kept only to pass the erasure on; once it is, it goes.
            delivery.payload = {**delivery.payload, "data": {}}
            delivery.email = ""
        delivery.save(
            update_fields=[
                "status",
                "delivered_at",
                "last_error",
                "response_code",
                "response_ms",
                "last_attempt_at",
                "payload",
                "email",
            ]
        )
        if webhook.failing_since is not None:
            Webhook.objects.filter(pk=webhook.pk).update(failing_since=None)
        return delivery
    if 300 <= answer.status < 400:
        refusal = f"HTTP {answer.status}: redirect to {answer.location or '?'} not followed"
    else:
        refusal = f"HTTP {answer.status}: {answer.body[:500]}"
    _attempt_failed(delivery, refusal, permanent=_permanent_status(answer.status))
    if answer.status == 410 and not webhook.is_connector:
        # Standard Webhooks: 410 Gone means the receiver wants no more.
        webhook_disable(webhook=webhook, reason=_("The receiver answered 410 Gone."))
    return delivery


def _attempt_failed(delivery: Delivery, error: str, *, permanent: bool = False) -> None:
    delivery.last_error = error[:2000]
    delays = settings.WEBHOOK_RETRY_SECONDS
    if permanent or delivery.attempts > len(delays):
        delivery.status = Delivery.Status.FAILED
        logger.error(
            "webhook delivery %s failed for good after %s attempts: %s",
            delivery.pk,
            delivery.attempts,
            delivery.last_error,
        )
    else:
        delivery.status = Delivery.Status.QUEUED
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=delays[delivery.attempts - 1])
        logger.warning(
            "webhook delivery %s not accepted (%s); next attempt at %s",
            delivery.pk,
            delivery.last_error,
            delivery.next_attempt_at,
        )
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "status",
                "last_error",
                "next_attempt_at",
                "response_code",
                "response_ms",
                "last_attempt_at",
            ]
        )
        Webhook.objects.filter(pk=delivery.webhook_id, failing_since__isnull=True).update(
            failing_since=timezone.now()
        )
        if delivery.status == Delivery.Status.QUEUED:
            _enqueue(delivery.pk, at=delivery.next_attempt_at)


def delivery_resend(*, delivery: Delivery) -> bool:
    """Queue a failed delivery again, from the start (an editor's or operator's action). It
    keeps its webhook-id, so a receiver that did get it can tell."""
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        if updated:
            _enqueue(delivery.pk)
    return bool(updated)


def deliveries_requeue(*, webhook: Webhook | None = None, overdue: timedelta | None = None) -> int:
    """Queue a job for due deliveries of an active webhook (jobs can be lost with a worker,
    and a switched-off webhook's deliveries wait for it). `overdue`: only those due at least
    that long, whose own job had its chance, and at most a round's worth (`jobs_requeue`);
    without it, all of them."""
    due = Delivery.objects.filter(status=Delivery.Status.QUEUED, webhook__active=True)
    if webhook is not None:
        due = due.filter(webhook=webhook)
    if overdue is None:
        return jobs_requeue(due, _enqueue, limit=None)
    return jobs_requeue(due, _enqueue, overdue=overdue)


def webhook_disable(*, webhook: Webhook, reason: str) -> bool:
    """Switch a webhook off and tell the editors (once)."""
    with transaction.atomic():
        switched = Webhook.objects.filter(pk=webhook.pk, active=True).update(
            active=False, disabled_at=timezone.now(), disabled_reason=reason[:300]
        )
        if not switched:
            return False
        active_webhooks_forget()
        logger.error("webhook %s switched off: %s", webhook.pk, reason)
        editors = editors_address()
        if editors:
            mail_queue(
                kind="webhook-disabled",
                to=editors,
                context={
                    "webhook": webhook,
                    "reason": reason,
                    "admin_link": absolute_url(reverse("webhooks:edit", args=[webhook.pk])),
                },
            )
    return True


def deliveries_sweep() -> int:
    """Periodic: requeue what is due, take back what a worker died while sending (the
    receiver recognises it by its webhook-id if it did arrive), and switch off webhooks that
    failed for WEBHOOK_DISABLE_AFTER_DAYS."""
    now = timezone.now()
    stuck_ids = list(
        Delivery.objects.filter(
            status=Delivery.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        stuck = Delivery.objects.filter(pk__in=stuck_ids, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.QUEUED,
            next_attempt_at=now,
            last_error="The worker stopped while sending; sent again with the same webhook-id.",
        )
        for delivery_id in stuck_ids:
            _enqueue(delivery_id)
    if stuck:
        logger.warning("%s webhook deliveries were left half-sent; queued again", stuck)
    cutoff = now - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    for webhook in Webhook.objects.filter(active=True, failing_since__lt=cutoff):
        webhook_disable(
            webhook=webhook,
            reason=_("Every delivery failed for %(days)s days.")
            % {"days": settings.WEBHOOK_DISABLE_AFTER_DAYS},
        )
    return deliveries_requeue(overdue=SWEEP_OVERDUE)


def deliveries_age_out() -> int:
    """Retention: the log of deliveries that are done names addresses; it goes after
    RETENTION_WEBHOOK_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_WEBHOOK_DAYS)
    old = Delivery.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )
    return int(old.delete()[0])
