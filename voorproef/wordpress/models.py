from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voorproef.core.models import NotContent


class ImportedSite(NotContent, models.Model):
    """A WordPress site moved in, and the page its essays were placed under: a second export
    of the same site updates them there; an export of another site is not mixed in."""

    url = models.CharField(_("WordPress address"), max_length=255, unique=True)
    parent = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("placed under"), on_delete=models.CASCADE
    )
    first_imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("imported WordPress site")

    def __str__(self) -> str:
        return self.url


class ImportedItem(NotContent, models.Model):
    """What one WordPress object became here (a page, an image, a comment), so that an import
    run again updates it instead of making it twice."""

    class Kind(models.TextChoices):
        POST = "post", _("post or page")
        ATTACHMENT = "attachment", _("attachment")
        FILE = "file", _("uploaded file")
        COMMENT = "comment", _("comment")

    site = models.ForeignKey(ImportedSite, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=255)  # the WordPress id, or a file's path in uploads/
    object_id = models.PositiveBigIntegerField()
    # What the object was made from; the same fingerprint again changes nothing.
    fingerprint = models.CharField(max_length=64)
    # The page revision the import made: a later one is an editor's, and is not overwritten.
    revision_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "key"], name="wordpress_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class ImportRun(NotContent, models.Model):
    """An import started from the admin: its files, its options, its progress and report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    folder = models.CharField(max_length=100)  # under PRIVATE_ROOT/wordpress/
    export_name = models.CharField(_("export"), max_length=255)
    uploads_name = models.CharField(_("uploads"), max_length=255, blank=True)
    parent = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("place under"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dry_run = models.BooleanField(default=True)
    include_spam = models.BooleanField(default=False)
    include_pings = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("WordPress import")

    def __str__(self) -> str:
        return self.export_name

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


# Raised when the conversion's output changes, so that a new version updates earlier imports.
CONVERTER_VERSION = "1"


def fingerprint(*parts: Any) -> str:
    """What an object was made from: the same again changes nothing."""
    data = json.dumps([CONVERTER_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def imported(site: ImportedSite | None, kind: str, keys: list[str]) -> dict[str, ImportedItem]:
    """What earlier runs made of these WordPress objects, by key."""
    if site is None or not keys:
        return {}
    return {row.key: row for row in ImportedItem.objects.filter(site=site, kind=kind, key__in=keys)}
