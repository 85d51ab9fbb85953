from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import register_setting

from voorproef.core.models import NotContent, PublicSettings
from voorproef.privacy.models import Consent, ConsentWording, consents_relation


@register_setting(icon="comment")
class CommentSettings(PublicSettings):
    """Moderation as WordPress does it, with its defaults; editors change them in the admin."""

    moderate_all = models.BooleanField(_("hold every comment for moderation"), default=False)
    require_prior_approval = models.BooleanField(
        _("hold a comment unless its author has an approved comment already"), default=True
    )
    max_links = models.PositiveSmallIntegerField(
        _("hold a comment with this many links or more"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_(
            "One word, name, address or IP address per line. A comment that contains one in "
            "its text, name, email address, website, IP address or browser is held."
        ),
    )
    blocked_words = models.TextField(
        _("blocked words"),
        blank=True,
        help_text=_("As above, but a match sends the comment to spam."),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("replies nest this many levels deep"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
    )
    per_page = models.PositiveSmallIntegerField(
        _("threads per page"),
        default=50,
        validators=[MinValueValidator(5), MaxValueValidator(500)],
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Counted from an essay's first publication. Empty: comments stay open."),
    )
    notify_on_approved = models.BooleanField(
        _("mail the editors about every approved comment"),
        default=False,
        help_text=_("Held comments are always mailed to the editors, to moderate."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("moderate_all"),
                FieldPanel("require_prior_approval"),
                FieldPanel("max_links"),
                FieldPanel("moderation_words"),
                FieldPanel("blocked_words"),
                FieldPanel("notify_on_approved"),
            ],
            _("Moderation"),
        ),
        MultiFieldPanel(
            [FieldPanel("thread_depth"), FieldPanel("per_page"), FieldPanel("close_after_days")],
            _("Discussion"),
        ),
    ]

    class Meta:
        verbose_name = _("comment settings")


def text_digest(text: str) -> str:
    """What finds a comment's text among all others through an index: a duplicate is looked
    up by it, however many comments its author or its essay has."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class CommentQuerySet(models.QuerySet["Comment"]):
    """Rows written in bulk (the WordPress import) get their text's digest as save() gives it."""

    def bulk_create(self, objs: Iterable[Comment], *args: Any, **kwargs: Any) -> list[Comment]:
        objs = list(objs)
        for comment in objs:
            comment.text_digest = text_digest(comment.text)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Comment], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        if "text" in fields:
            for comment in objs:
                comment.text_digest = text_digest(comment.text)
            fields = [*fields, "text_digest"]
        return super().bulk_update(objs, fields, batch_size)


_CommentManagerBase = models.Manager.from_queryset(CommentQuerySet)


class CommentManager(_CommentManagerBase):
    """A comment post asks three questions of the table (a duplicate? an author with an
    approved comment? the new one still shown once committed?). Each is one statement written
    out: composed through the ORM, building and compiling the three took a fifth of a post's
    CPU, more than the database took to answer them (README, Performance)."""

    def _any(self, where: str, params: list[Any]) -> bool:
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", params)  # noqa: S608
            return cursor.fetchone() is not None

    def duplicate_exists(self, *, essay_id: int, text: str, email: str, name: str) -> bool:
        """The same text on the same essay under the same address or the same name, not in
        the trash: found by its digest (an index) among the few comments with that text,
        however many its author or the essay has."""
        return self._any(
            "text_digest = %s AND essay_id = %s AND text = %s AND status <> %s "
            "AND (email = %s OR name = %s)",
            [text_digest(text), essay_id, text, Comment.Status.TRASH, email, name],
        )

    def author_known(self, *, name: str, email: str) -> bool:
        """Whether this name and address have an approved comment."""
        return self._any(
            "email = %s AND status = %s AND name = %s", [email, Comment.Status.APPROVED, name]
        )

    def approved_exists(self, pk: int) -> bool:
        """Whether this comment is approved, as committed (not as a copy in memory says)."""
        return self._any("id = %s AND status = %s", [pk, Comment.Status.APPROVED])


class Comment(NotContent, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        SPAM = "spam", _("spam")
        TRASH = "trash", _("trash")

    essay = models.ForeignKey(
        "essays.EssayPage",
        verbose_name=_("essay"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    # A reply outlives a parent that is purged or deleted; it then stands on its own.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=1, editable=False)
    name = models.CharField(_("name"), max_length=245)
    # Empty once its author had their data erased and the comment stayed, anonymised.
    email = models.EmailField(_("email address"), max_length=100, blank=True)
    url = models.URLField(_("website"), max_length=200, blank=True)
    text = models.TextField(_("comment"))
    # text_digest(text), kept by save() and bulk writes.
    text_digest = models.CharField(max_length=32, default="", editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    ip_network = models.CharField(_("network"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # Written by an editor in the admin, in the editors' name: shown as the editors' reply.
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by the editor"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_editors = models.BooleanField(_("the editors' reply"), default=False, editable=False)
    # The author's consent to mail about replies (privacy's Consent, purpose "replies").
    consents = consents_relation()
    reply_notified_at = models.DateTimeField(
        _("parent's author notified"), null=True, blank=True, editable=False
    )
    # The mail that told the parent's author of this reply: it quotes this commenter, so it
    # loses what it said when this commenter's data is erased.
    reply_mail = models.ForeignKey(
        "mail.OutgoingMail",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommentManager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            # The discussion in order (comment_threads).
            models.Index(fields=["essay", "status", "created_at"]),
            # The threads before a comment, counted in the index alone (thread_page_of).
            models.Index(fields=["essay", "status", "parent", "created_at"]),
            # An author's own comments: an earlier approved one, a reader's data.
            models.Index(fields=["email", "status", "essay"]),
            # The same text again (a duplicate): found among its own few rows, not among
            # every comment of its author, who may have thousands.
            models.Index(fields=["text_digest", "essay"]),
        ]

    def __str__(self) -> str:
        # Impersonal: Wagtail's action log keeps this text as the row's label, and the log is
        # neither exported nor erased with a reader's data.
        return gettext("comment #%(number)s") % {"number": self.pk}

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.text_digest = text_digest(self.text)
        if kwargs.get("update_fields") is not None and "text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "text_digest"}
        if self.status != getattr(self, "_status_loaded", self.status):
            self.status_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "status_changed_at"}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Comment:
        instance = super().from_db(db, field_names, values)
        instance._status_loaded = instance.status  # type: ignore[attr-defined]
        return instance

    @property
    def summary(self) -> str:
        return f"{self.name}: {Truncator(self.text).chars(60)}"

    @admin.display(description=_("why held"))
    def hold_reason(self) -> str:
        """Why the checks held the comment, while that matters: not once it is approved."""
        return "" if self.status == self.Status.APPROVED else self.reason

    @property
    def status_loaded(self) -> str | None:
        """The status as it was read from the database; None for a new comment."""
        return getattr(self, "_status_loaded", None)

    @property
    def replies_consent(self) -> Consent | None:
        """The consent to mail about replies, given or withdrawn (read from `consents`,
        prefetched or not)."""
        return next((c for c in self.consents.all() if c.purpose == Consent.Purpose.REPLIES), None)

    @property
    def notify_replies(self) -> bool:
        """Whether the author is to hear of replies: they asked, and have not taken it back."""
        consent = self.replies_consent
        return consent is not None and consent.withdrawn_at is None

    @property
    def notify_wording(self) -> ConsentWording | None:
        consent = self.replies_consent
        return consent.wording if consent else None

    @property
    def anchor(self) -> str:
        return f"reactie-{self.pk}"
