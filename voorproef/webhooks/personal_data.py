"""Deliveries as personal data: a payload names the reader's address (a lead, a consent, a
message), and the log keeps it (registered in apps.py; see voorproef/core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy, ngettext_lazy

from voorproef.core.personal_data import Copy, Erasure, PersonalData

from .models import Delivery
from .services import deliveries_age_out


def _about(email: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(Q(email__iexact=email)).select_related("webhook")


def _find(email: str) -> list[Delivery]:
    return list(_about(email).order_by("pk"))


def _export(delivery: Delivery, copy: Copy) -> dict[str, Any]:
    return {
        "sent_to": delivery.webhook.name,
        "event": delivery.event_label() if copy.readable else delivery.event,
        "status": copy.shown(delivery, "status"),
        "created_at": copy.when(delivery.created_at),
        "delivered_at": copy.when(delivery.delivered_at),
        "data": delivery.payload.get("data", {}),
    }


def _erase(erasure: Erasure) -> None:
    """The address's deliveries go from the log, queued ones too (what was not sent yet now
    never is). One being sent at this moment is a worker's for a moment; the retention purge
    takes it later. The erasure itself then goes out as `reader.erased`, after this."""
    deliveries = _about(erasure.email).exclude(status=Delivery.Status.SENDING)
    erasure.summary["webhook_deliveries"] = deliveries.count()
    deliveries.delete()


DELIVERIES = PersonalData(
    kind="webhook_deliveries",
    position=60,
    file_name=gettext_lazy("forwarded"),
    columns={
        "sent_to": gettext_lazy("sent to"),
        "event": gettext_lazy("event"),
        "status": gettext_lazy("status"),
        "created_at": gettext_lazy("made at"),
        "delivered_at": gettext_lazy("delivered"),
        "data": gettext_lazy("what was sent"),
    },
    find=_find,
    export=_export,
    count_label=ngettext_lazy("%(n)s forwarding", "%(n)s forwardings", "n"),
    erase=_erase,
    receipt={
        "webhook_deliveries": ngettext_lazy(
            "%(n)s forwarding deleted", "%(n)s forwardings deleted", "n"
        )
    },
    overview_template="webhooks/privacy/deliveries.html",
    retention=[("webhook_deliveries_deleted", deliveries_age_out)],
)
