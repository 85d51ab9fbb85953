"""Readers' messages as their writers' data (registered in apps.py; see
voorproef/core/personal_data.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from voorproef.core.personal_data import Copy, Erasure, PersonalData, Withdrawal, traces_clear

from .models import ReaderMessage
from .services import message_consent_withdraw, published_experience


def _find(email: str) -> list[ReaderMessage]:
    return list(
        ReaderMessage.objects.filter(email__iexact=email)
        .select_related("essay")
        .prefetch_related("replies", "consents__wording")
        .order_by("pk")
    )


def _export(m: ReaderMessage, copy: Copy) -> dict[str, Any]:
    return {
        "essay": m.essay.title,
        "name": m.name,
        "organisation": m.organisation,
        "text": m.text,
        "received_at": copy.when(m.created_at),
        "publication_consent": m.consent,
        "consent_text": m.consent_text,
        "consent_text_version": m.consent_wording.version if m.consent_wording else None,
        "consent_withdrawn_at": copy.when(m.consent_withdrawn_at),
        "published": m.published,
        "published_title": m.public_title if m.published else "",
        "published_text": m.shown_text if m.published else "",
        "replies": [
            {"sent_at": copy.when(reply.created_at), "text": reply.text}
            for reply in m.replies.all()
        ],
        "network": m.ip_network,
        "browser": m.user_agent,
    }


def _erase(erasure: Erasure) -> None:
    messages = ReaderMessage.objects.filter(email__iexact=erasure.email)
    for message in messages.filter(published=True).select_related("essay"):
        erasure.pages_changed = True
        erasure.taken_off.append((published_experience(message), message.essay.title))
    erasure.summary["messages"] = messages.count()
    messages.delete()


def _publication_withdraw(messages: list[ReaderMessage], post: Mapping[str, str]) -> int:
    """Take back the consent to publish one experience (the one the button names); off the
    page at once."""
    message_id = post.get("message", "")
    if not re.fullmatch(r"[0-9]{1,18}", message_id):
        return 0
    message = next((m for m in messages if m.pk == int(message_id)), None)
    if message is None or not message.consent:
        return 0
    message_consent_withdraw(message=message)
    return 1


MESSAGES = PersonalData(
    kind="messages",
    position=40,
    file_name=_("messages"),
    columns={
        "essay": _("essay"),
        "name": _("name"),
        "organisation": _("organisation"),
        "text": _("text"),
        "received_at": _("received at"),
        "publication_consent": _("consent to publish"),
        "consent_text": _("consent text"),
        "consent_text_version": _("version of the consent text"),
        "consent_withdrawn_at": _("consent withdrawn at"),
        "published": _("published"),
        "published_title": _("published title"),
        "published_text": _("published text"),
        "network": _("network"),
        "browser": _("browser"),
    },
    find=_find,
    export=_export,
    count_label=ngettext_lazy("%(n)s message", "%(n)s messages", "n"),
    erase=_erase,
    receipt={"messages": ngettext_lazy("%(n)s message deleted", "%(n)s messages deleted", "n")},
    overview_template="inbox/privacy/messages.html",
    withdrawals=[
        Withdrawal(
            action="publication",
            done="publicatie",
            logged_as="publication",
            message=_(
                "Done: your experience will not be published, and is off the page if it was on it."
            ),
            run=_publication_withdraw,
        )
    ],
    mail_ids=lambda email: (
        ReaderMessage.objects.filter(email__iexact=email).exclude(mail=None).values("mail")
    ),
    retention=[("networks_cleared", traces_clear(ReaderMessage))],
)
