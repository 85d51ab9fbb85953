from __future__ import annotations

import os

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from voorproef.core.models import NotContent
from voorproef.privacy.models import consents_relation


class PrivateStorage(FileSystemStorage):
    """Files that no URL serves (essay PDFs), under PRIVATE_ROOT as it is set at each use."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


class Reader(NotContent, models.Model):
    """Someone who asked for an essay: one row per (normalised) address. The name each request
    was made under is the request's own: a reader keeps no name that anyone typing their
    address could change."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    created_at = models.DateTimeField(_("first request"), default=timezone.now)

    class Meta:
        verbose_name = _("reader")
        verbose_name_plural = _("readers")

    def __str__(self) -> str:
        # Impersonal: Wagtail's action log keeps this text as the row's label, and the log is
        # neither exported nor erased with a reader's data.
        return gettext("reader #%(number)s") % {"number": self.pk}


class DownloadRequest(NotContent, models.Model):
    class Mode(models.TextChoices):
        DIRECT = "direct", _("download at once")
        CONFIRM = "confirm", _("confirm the address first")

    essay = models.ForeignKey(
        "essays.EssayPage",
        verbose_name=_("essay"),
        on_delete=models.CASCADE,
        related_name="download_requests",
    )
    reader = models.ForeignKey(
        Reader, verbose_name=_("reader"), on_delete=models.CASCADE, related_name="requests"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("As typed for this copy."))
    mode = models.CharField(_("delivery"), max_length=10, choices=Mode.choices)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    ip_network = models.CharField(_("network"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    newsletter_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    expires_at = models.DateTimeField(_("link valid until"))
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    last_download_at = models.DateTimeField(_("last download"), null=True, blank=True)
    mail = models.ForeignKey(
        "mail.OutgoingMail",
        verbose_name=_("mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consents = consents_relation()  # the newsletter consent given with it

    class Meta:
        verbose_name = _("download request")
        verbose_name_plural = _("download requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="download_expires_after_request",
            )
        ]

    def __str__(self) -> str:
        return gettext("download request #%(number)s") % {"number": self.pk}

    @admin.display(description=_("email address"), ordering="reader__email")
    def email(self) -> str:
        return self.reader.email

    @admin.display(description=_("newsletter"))
    def newsletter(self) -> str:
        """Whether the reader asked for the newsletter with this request, as editors read it
        (the consents are prefetched in the admin's lists)."""
        consent = next(iter(self.consents.all()), None)
        if consent is None:
            return gettext("no")
        if consent.withdrawn_at:
            return gettext("withdrawn")
        return gettext("yes") if consent.confirmed_at else gettext("yes, not yet confirmed")

    @property
    def expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def may_download(self) -> bool:
        return not self.expired and (self.mode == self.Mode.DIRECT or self.confirmed_at is not None)


class EssayPdf(NotContent, models.Model):
    """The essay's base PDF for its live revision, from which personal copies are stamped."""

    essay = models.OneToOneField("essays.EssayPage", on_delete=models.CASCADE, related_name="pdf")
    revision_id = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to="essays/")
    page_count = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("essay PDF")

    def __str__(self) -> str:
        return self.file.name


class DownloadTally(NotContent, models.Model):
    """What happened per essay and day, counted as it happens and never lowered: the dashboard's
    history stays when a reader's requests are erased. Holds nothing about anyone."""

    essay = models.ForeignKey(
        "essays.EssayPage", on_delete=models.CASCADE, related_name="download_tallies"
    )
    day = models.DateField(_("day"))
    requests = models.PositiveIntegerField(_("requests"), default=0)
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("download tally")
        constraints = [
            models.UniqueConstraint(fields=["essay", "day"], name="download_tally_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.essay_id} {self.day}"
