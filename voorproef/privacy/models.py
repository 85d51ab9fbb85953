from __future__ import annotations

import calendar
from datetime import datetime

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from voorproef.core.links import absolute_url
from voorproef.core.models import NotContent
from voorproef.core.pagecache import mark_cacheable
from voorproef.core.pages import PageForm


def month_later(moment: datetime) -> datetime:
    """The same day a calendar month on (or the month's last day): the AVG's answer time."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@register_setting(icon="lock")
class PrivacySettings(BaseGenericSetting):
    comments_deletable = models.BooleanField(
        _("readers who erase their data may delete their comments too"),
        default=True,
        help_text=_(
            "Otherwise their comments stay on the page, anonymised (“Anonymous”, no address, "
            "no website), so that replies to them keep their sense."
        ),
    )

    statement_written_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [FieldPanel("comments_deletable")]

    class Meta:
        verbose_name = _("privacy settings")


class ConsentWording(models.Model):
    """One version of the words a consent was asked with. A consent points at the version the
    reader saw; a changed text becomes a new version, and old ones are never edited."""

    class Purpose(models.TextChoices):
        NEWSLETTER = "newsletter", _("newsletter")
        PUBLICATION = "publication", _("publication of an experience")
        REPLIES = "replies", _("mail about replies to a comment")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text shown"))
    digest = models.CharField(max_length=64, editable=False)
    first_shown_at = models.DateTimeField(_("first shown"), default=timezone.now)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="wording_version_unique"),
            models.UniqueConstraint(fields=["purpose", "digest"], name="wording_text_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"


# The forms a consent can be given in, as `source` names them ("download form: <essay>").
_SOURCE_FORMS = {
    "download form": _("download form"),
    "comment form": _("comment form"),
    "message form": _("message form"),
}


class Consent(NotContent, models.Model):
    """A reader's consent, whatever it is for: the exact words they agreed to, when, where,
    and when they took it back. `subject` is the row it came with (a download request, a
    message, a comment); a consent to mail is valid once confirmed."""

    Purpose = ConsentWording.Purpose

    email = models.EmailField(_("email address"), max_length=254, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text = models.TextField(_("text shown"))
    wording = models.ForeignKey(
        ConsentWording,
        verbose_name=_("text version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=200)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        # Impersonal: Wagtail's action log keeps this text as the row's label, and the log is
        # neither exported nor erased with a reader's data.
        return gettext("consent #%(number)s") % {"number": self.pk}

    @admin.display(description=_("source"), ordering="source")
    def source_label(self) -> str:
        """Where it was given, as editors read it: "Downloadformulier: nieuw-publiek-werken"."""
        form, _sep, slug = self.source.partition(": ")
        label = _SOURCE_FORMS.get(form)
        return f"{label}: {slug}" if label is not None else self.source


def consents_relation() -> GenericRelation:
    """The consents given with a model's rows, as a field of that model: `request.consents`,
    and `consents__purpose` in its queries. Deleting a row deletes its consents."""
    return GenericRelation(Consent, content_type_field="subject_type", object_id_field="subject_id")


class AccessLink(NotContent, models.Model):
    """A reader's way in to what is held about an address: a random token, stored hashed,
    mailed to that address only, valid for a day."""

    email = models.EmailField(max_length=254, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="access_link_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"access link until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def expired(self) -> bool:
        return timezone.now() >= self.expires_at


class DataRequest(NotContent, models.Model):
    """A request about personal data and how it was answered, logged without personal data:
    to show each one was answered within the month the AVG allows."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("access (overview sent)")
        EXPORT = "export", _("export")
        WITHDRAWAL = "withdrawal", _("consent withdrawn")
        ERASURE = "erasure", _("erasure")

    class Channel(models.TextChoices):
        READER = "reader", _("by the reader, on the site")
        EDITOR = "editor", _("by an editor, for the reader")

    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("made"), max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.JSONField(_("what was done"), default=dict, blank=True)
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("How the request came in (“letter of 3 May”). No names or addresses."),
    )

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_at:%Y-%m-%d})"

    @property
    def due_at(self) -> datetime:
        return month_later(self.received_at)

    @property
    def in_time(self) -> bool | None:
        """True or False once answered; None while open."""
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at


class PrivacyPage(Page):
    """The privacy statement: written at first from what the site stores and for how long,
    then the editors' own."""

    base_form_class = PageForm

    body = RichTextField(
        _("text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"], blank=True
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["essays.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("privacy statement")

    def serve(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        return mark_cacheable(super().serve(request, *args, **kwargs))

    def canonical_url(self) -> str:
        return absolute_url(self.get_url())
