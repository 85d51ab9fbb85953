from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from voorproef.core.models import NotContent
from voorproef.privacy import models as privacy


class ReaderMessage(NotContent, models.Model):
    """A reader's experience, sent to the authors; published on the essay only with consent."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        READ = "read", _("read")
        ANSWERED = "answered", _("answered")
        ARCHIVED = "archived", _("archived")

    class Consent(models.TextChoices):
        NONE = "", _("not to be published")
        WITH_NAME = "name", _("may be published with the name")
        WITHOUT_NAME = "anonymous", _("may be published without the name")

    essay = models.ForeignKey(
        "essays.EssayPage",
        verbose_name=_("essay"),
        on_delete=models.CASCADE,
        related_name="reader_messages",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email address"), max_length=254)
    organisation = models.CharField(_("organisation or role"), max_length=200, blank=True)
    text = models.TextField(_("experience"))
    consent = models.CharField(
        _("publication"), max_length=10, choices=Consent.choices, default="", blank=True
    )
    # The proof of that consent (the words, when, and its withdrawal): privacy's Consent.
    consents = privacy.consents_relation()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("first read"), null=True, blank=True)
    ip_network = models.CharField(_("network"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    mail = models.ForeignKey(
        "mail.OutgoingMail",
        verbose_name=_("mail to the editors"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    published = models.BooleanField(
        _("published on the essay"),
        default=False,
        help_text=_("Shown under “Readers' experiences”; only possible with the writer's consent."),
    )
    public_title = models.CharField(_("title"), max_length=200, blank=True)
    public_text = models.TextField(
        _("text as published"),
        blank=True,
        help_text=_("Shorten or anonymise as needed. Empty: the text as the reader wrote it."),
    )
    public_order = models.IntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("reader's message")
        verbose_name_plural = _("readers' messages")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=False) | ~models.Q(consent=""),
                name="inbox_published_only_with_consent",
            )
        ]
        indexes = [models.Index(fields=["essay", "published", "public_order"])]

    def __str__(self) -> str:
        # Impersonal: Wagtail's action log keeps this text as the row's label, and the log is
        # neither exported nor erased with a reader's data.
        return gettext("message #%(number)s") % {"number": self.pk}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
        elif not self.published:
            self.published_at = None
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> ReaderMessage:
        instance = super().from_db(db, field_names, values)
        instance._published_loaded = instance.published  # type: ignore[attr-defined]
        return instance

    @property
    def was_published(self) -> bool:
        return bool(getattr(self, "_published_loaded", False))

    def clean(self) -> None:
        if self.published and not self.consent:
            raise ValidationError({"published": _("The writer did not consent to publication.")})

    @property
    def publication_consent(self) -> privacy.Consent | None:
        """The consent to publish, given or withdrawn (read from `consents`, prefetched or not)."""
        return next(
            (c for c in self.consents.all() if c.purpose == privacy.Consent.Purpose.PUBLICATION),
            None,
        )

    @property
    @admin.display(description=_("consent as shown"))
    def consent_text(self) -> str:
        """The exact words the writer agreed to."""
        consent = self.publication_consent
        return consent.text if consent else ""

    @property
    def consent_wording(self) -> privacy.ConsentWording | None:
        consent = self.publication_consent
        return consent.wording if consent else None

    @property
    @admin.display(description=_("consent withdrawn"))
    def consent_withdrawn_at(self) -> datetime | None:
        consent = self.publication_consent
        return consent.withdrawn_at if consent else None

    @property
    def public_name(self) -> str:
        """The name shown with a published experience: only when the writer chose it."""
        if self.consent != self.Consent.WITH_NAME:
            return ""
        return f"{self.name}, {self.organisation}" if self.organisation else self.name

    @property
    def shown_text(self) -> str:
        return self.public_text or self.text


class MessageReply(NotContent, models.Model):
    """An editor's answer to a reader's message, sent through the outbox."""

    message = models.ForeignKey(
        ReaderMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField(_("reply"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    mail = models.ForeignKey(
        "mail.OutgoingMail",
        verbose_name=_("mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return gettext("reply #%(number)s") % {"number": self.pk}
