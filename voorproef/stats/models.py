"""Statistics as daily aggregates. Nothing here names a reader, a visit or a request: a row
says how many times a step happened on a page on a day, from which source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from voorproef.core.models import NotContent

SITE = 0  # page_id of the rows that count the whole site (its unique visitors)


class Step(models.TextChoices):
    VISITOR = "visitor", _("Visitors")
    VIEW = "view", _("Page views")
    FORM = "form", _("Form opened")
    LEAD = "lead", _("Requests sent")
    CONFIRMED = "confirmed", _("Addresses confirmed")
    PDF = "pdf", _("PDFs fetched")
    PDF_AGAIN = "pdf_again", _("PDFs fetched again")
    NEWSLETTER = "newsletter", _("Newsletter consents")
    MESSAGE = "message", _("Messages sent")
    COMMENT = "comment", _("Comments posted")


#: Where a visit came from: the fields a count is kept per, besides page, day and step.
SOURCE_FIELDS = (
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "ref",
)
SOURCE_MAX = 100


class DailyCount(NotContent, models.Model):
    day = models.DateField(_("day"))
    page_id = models.PositiveIntegerField(_("page"))  # 0: the site as a whole
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    referrer = models.CharField(_("referrer"), max_length=SOURCE_MAX, blank=True)
    utm_source = models.CharField("utm_source", max_length=SOURCE_MAX, blank=True)
    utm_medium = models.CharField("utm_medium", max_length=SOURCE_MAX, blank=True)
    utm_campaign = models.CharField("utm_campaign", max_length=SOURCE_MAX, blank=True)
    utm_term = models.CharField("utm_term", max_length=SOURCE_MAX, blank=True)
    utm_content = models.CharField("utm_content", max_length=SOURCE_MAX, blank=True)
    ref = models.CharField("ref", max_length=SOURCE_MAX, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "page_id", "step", *SOURCE_FIELDS], name="stats_count_unique"
            )
        ]
        indexes = [models.Index(fields=["page_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.page_id} {self.step}: {self.count}"


class DailySalt(NotContent, models.Model):
    """The day's random salt of the visitor hash. Deleted after 48 hours: from then on no
    one, the site included, can tell whether two counts were the same visitor."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class BufferWriter(NotContent, models.Model):
    """A web process that buffers counts in the cache, under keys with this row's id; the
    database hands out the ids, so no two processes write the same key. A process takes a
    new one every hour; the fold forgets a writer once its keys are folded."""

    created_at = models.DateTimeField(auto_now_add=True)
    first_bucket = models.BigIntegerField()
    folded_bucket = models.BigIntegerField()  # every bucket up to this one is in DailyCount

    def __str__(self) -> str:
        return f"writer {self.pk}"
