from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from voorproef.core.keys import mask_text
from voorproef.core.models import NotContent

from .kinds import mail_kind_label


class OutgoingMail(NotContent, models.Model):
    """One mail to one address, kept so it is never lost and never sent twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=50)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    reply_to = models.EmailField(_("reply to"), max_length=254, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # What to attach, built when the mail goes out: [{"builder": "download-pdf"}] (see
    # services.ATTACHMENT_BUILDERS).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # A mail the worker writes when it sends it (services.mail_defer): what its kind's builder
    # needs beside the rows it reads (a reader's raw link, kept nowhere else), and the language
    # it is written in. None once its texts are written (or when they were given).
    context = models.JSONField(_("to be written from"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, db_default="")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="mail_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        # Impersonal: Wagtail's action log keeps this text as the row's label, and the log is
        # neither exported nor erased with a reader's data.
        return gettext("mail #%(number)s") % {"number": self.pk}

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self) -> str:
        return mail_kind_label(self.kind)

    @property
    def unwritten(self) -> bool:
        """A mail the worker writes when it goes out, and has not yet."""
        return self.context is not None

    @admin.display(description=_("subject"), ordering="subject")
    def subject_shown(self) -> str:
        if not self.unwritten:
            return self.subject
        if self.status == self.Status.FAILED:  # what it was for went before it was written
            return gettext("(never written)")
        return gettext("(written when it goes out)")

    @admin.display(description=_("text"))
    def text_without_keys(self) -> str:
        """The text as editors see it in the outbox: a reader's personal links are theirs
        alone, so their keys are masked."""
        if self.unwritten:
            return self.subject_shown()
        return mask_text(self.body_text)
