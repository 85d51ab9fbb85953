"""Comments as their authors' data (registered in apps.py; see
voorproef/core/personal_data.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from voorproef.core.personal_data import Copy, Erasure, PersonalData, Withdrawal, traces_clear
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import Consent

from .models import Comment
from .services import comments_purge


def _find(email: str) -> list[Comment]:
    return list(
        Comment.objects.filter(email__iexact=email)
        .select_related("essay")
        .prefetch_related("consents__wording")
        .order_by("pk")
    )


def _export(c: Comment, copy: Copy) -> dict[str, Any]:
    return {
        "essay": c.essay.title,
        "name": c.name,
        "website": c.url,
        "text": c.text,
        "status": copy.shown(c, "status"),
        "posted_at": copy.when(c.created_at),
        "edited_at": copy.when(c.edited_at),
        "mail_me_replies": c.notify_replies,
        "mail_me_replies_text": c.notify_wording.text if c.notify_wording else "",
        "mail_me_replies_text_version": c.notify_wording.version if c.notify_wording else None,
        "network": c.ip_network,
        "browser": c.user_agent,
    }


def _erase(erasure: Erasure) -> None:
    """Comments are anonymised, so that replies to them keep their sense; or deleted when the
    reader asked and the editors allow it."""
    comments = Comment.objects.filter(email__iexact=erasure.email)
    if comments.filter(status=Comment.Status.APPROVED).exists():
        erasure.pages_changed = True
    # A reply mail told another reader what this one wrote, under this one's name: that mail
    # is the other reader's, so a sent one keeps its row and loses what it said; one not sent
    # yet is not sent.
    told = OutgoingMail.objects.filter(
        pk__in=list(comments.exclude(reply_mail=None).values_list("reply_mail", flat=True))
    )
    told.filter(status=OutgoingMail.Status.QUEUED).delete()
    told.exclude(status=OutgoingMail.Status.SENDING).update(
        subject="", body_text="", body_html="", reply_to="", attachments=[]
    )
    if erasure.delete_comments:
        for comment in comments.filter(status=Comment.Status.APPROVED).select_related("essay"):
            erasure.taken_off.append((_("a published comment"), comment.essay.title))
        erasure.summary["comments_deleted"] = comments.delete()[1].get("comments.Comment", 0)
        return
    with translation.override(settings.LANGUAGE_CODE):  # the page's, not the admin's
        anonymous = _("Anonymous")
    erasure.summary["comments_anonymised"] = comments.update(
        name=anonymous,
        email="",
        url="",
        ip_network="",
        user_agent="",
        edited_at=None,
        reason="",
    )


def _replies_withdraw(comments: list[Comment], post: Mapping[str, str]) -> int:
    """No more mail about replies to this address's comments."""
    given = [c.replies_consent for c in comments if c.notify_replies]
    return Consent.objects.filter(pk__in=[consent.pk for consent in given if consent]).update(
        withdrawn_at=timezone.now()
    )


COMMENTS = PersonalData(
    kind="comments",
    position=30,
    file_name=gettext_lazy("comments"),
    columns={
        "essay": gettext_lazy("essay"),
        "name": gettext_lazy("name"),
        "website": gettext_lazy("website"),
        "text": gettext_lazy("text"),
        "status": gettext_lazy("status"),
        "posted_at": gettext_lazy("posted at"),
        "edited_at": gettext_lazy("edited at"),
        "mail_me_replies": gettext_lazy("mail me replies"),
        "mail_me_replies_text": gettext_lazy("text of the consent to reply mail"),
        "mail_me_replies_text_version": gettext_lazy("version of that text"),
        "network": gettext_lazy("network"),
        "browser": gettext_lazy("browser"),
    },
    find=_find,
    export=_export,
    count_label=ngettext_lazy("%(n)s comment", "%(n)s comments", "n"),
    erase=_erase,
    receipt={
        "comments_deleted": ngettext_lazy("%(n)s comment deleted", "%(n)s comments deleted", "n"),
        "comments_anonymised": ngettext_lazy(
            "%(n)s comment kept without your name, address or website",
            "%(n)s comments kept without your name, address or website",
            "n",
        ),
    },
    overview_template="comments/privacy/comments.html",
    overview_context=lambda comments, email: {
        "replies_active": any(c.notify_replies for c in comments)
    },
    withdrawals=[
        Withdrawal(
            action="replies",
            done="reacties",
            logged_as="reply_mail",
            message=gettext_lazy("Done: you will get no more mail about replies to your comments."),
            run=_replies_withdraw,
        )
    ],
    retention=[
        ("networks_cleared", traces_clear(Comment)),
        ("spam_and_trash_deleted", comments_purge),
    ],
)
