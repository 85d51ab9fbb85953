from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from voorproef.core.models import NotContent

#: The events a webhook can be sent, in the order the admin lists them.
EVENTS: dict[str, str | Promise] = {
    "lead.created": _("a download was requested"),
    "lead.confirmed": _("an address was confirmed"),
    "newsletter.consented": _("newsletter: consent given"),
    "newsletter.withdrawn": _("newsletter: consent withdrawn"),
    "message.received": _("a reader's message arrived"),
    "comment.published": _("a comment was published"),
    "reader.erased": _("a reader's data was erased"),
}
#: What a mailing tool is sent: the consents, their end, and erasures; nothing else.
CONNECTOR_EVENTS = ("newsletter.consented", "newsletter.withdrawn", "reader.erased")


class Webhook(NotContent, models.Model):
    """Where events go: an address of the editors' own (signed as Standard Webhooks asks), or
    a mailing tool (Laposta, Mailchimp) through its API."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("webhook (Standard Webhooks)")
        LAPOSTA = "laposta", _("Laposta")
        MAILCHIMP = "mailchimp", _("Mailchimp")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STANDARD)
    url = models.URLField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_(
            "Where the events are posted. For Laposta and Mailchimp: leave empty to use their API."
        ),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    list_id = models.CharField(
        _("list"), max_length=100, blank=True, help_text=_("The list's id in the mailing tool.")
    )
    active = models.BooleanField(_("active"), default=True)
    allow_private = models.BooleanField(
        _("may reach the internal network"),
        default=False,
        help_text=_("Only for an address on this machine or the organisation's own network."),
    )
    # Encrypted with a key made from SECRET_KEY: a copy of the database alone does not sign.
    secret_sealed = models.TextField(editable=False, blank=True)
    previous_secret_sealed = models.TextField(editable=False, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    disabled_reason = models.CharField(_("why switched off"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_connector(self) -> bool:
        return self.kind != self.Kind.STANDARD

    def wants(self, event: str) -> bool:
        if self.is_connector:
            return event in CONNECTOR_EVENTS
        return event in self.events

    @admin.display(description=_("events"))
    def events_label(self) -> str:
        names = CONNECTOR_EVENTS if self.is_connector else self.events
        return ", ".join(str(EVENTS[name]) for name in names if name in EVENTS) or "—"

    @admin.display(description=_("active"))
    def active_label(self) -> str:
        return gettext("yes") if self.active else gettext("no")


class Delivery(NotContent, models.Model):
    """One event for one webhook: stored with the event, sent by a worker, never twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    # The `webhook-id` header: the same on every attempt, so a receiver can skip a repeat.
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    payload = models.JSONField(_("payload"))
    # The address the payload names, if any: how an erasure or a copy finds it.
    email = models.EmailField(_("email address"), max_length=254, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="delivered") | models.Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            )
        ]

    def __str__(self) -> str:
        # Impersonal, as the outbox's rows: Wagtail's action log keeps this label.
        return gettext("delivery #%(number)s") % {"number": self.pk}

    @admin.display(description=_("event"), ordering="event")
    def event_label(self) -> str:
        return str(EVENTS.get(self.event, self.event))

    @admin.display(description=_("response code"))
    def response_label(self) -> str:
        return str(self.response_code) if self.response_code else "—"
