"""The mail that is a reader's: sent to them, or to the editors about their requests, messages
and comments (registered in apps.py; see voorproef/core/personal_data.py)."""

from __future__ import annotations

import contextlib
import html
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from voorproef.core.personal_data import Copy, Erasure, PersonalData, personal_data_kinds

from .models import OutgoingMail
from .services import MailUnwritable, mail_write

# Mail that carried a link to "Mijn gegevens" is sent to whoever's address was typed in, known
# or not: on its own it does not mean anything is held about the address.
_OVERVIEW_LINK_KIND = "privacy-access"


def _about(email: str) -> QuerySet[OutgoingMail]:
    """Sent to the address, with it as the address to reply to, or pointed at by a row of
    another kind that is the address's (its words, to the editors)."""
    about = Q(to__iexact=email) | Q(reply_to__iexact=email)
    for data in personal_data_kinds():
        if data.mail_ids is not None:
            about |= Q(pk__in=data.mail_ids(email))
    return OutgoingMail.objects.filter(about)


def _find(email: str) -> list[OutgoingMail]:
    return list(_about(email).order_by("pk"))


def _to_reader(mail: OutgoingMail, email: str) -> bool:
    """Whether the mail went to this address (else it was about it, to the editors)."""
    return mail.to.casefold() == email.casefold()


def _shown(mail: OutgoingMail) -> OutgoingMail:
    """A mail the worker has not written yet (it writes it when it sends it, seconds after it
    was queued) is shown as it will go out; nothing is stored (a page that shows it is opened
    with a GET, which changes nothing)."""
    if mail.unwritten:
        with contextlib.suppress(MailUnwritable):
            mail_write(mail, save=False)
    return mail


def _export(mail: OutgoingMail, copy: Copy) -> dict[str, Any]:
    _shown(mail)
    return {
        "kind": mail.kind,
        "to_you": _to_reader(mail, copy.email),
        "subject": mail.subject_shown(),
        "status": copy.shown(mail, "status"),
        "created_at": copy.when(mail.created_at),
        "sent_at": copy.when(mail.sent_at),
        # The keys of personal links are masked: a copy handed on must not open this
        # overview (or erase it) or a personal download for whoever gets it.
        "text": mail.text_without_keys(),
    }


def _address_in_text(email: str) -> re.Pattern[str]:
    """The address itself in a text: anna@example.nl is not in hanna@example.nl, nor in
    anna@example.nl.example."""
    # "=" and "/" may stand in an address, but far more often before one (?email=…, a path).
    before, after = r"(?<![\w.!#$%&'*+?^`{|}~-])", r"(?![\w-]|\.\w)"
    forms = {re.escape(email), re.escape(html.escape(email))}  # as text, and as HTML has it
    return re.compile(before + "(?:" + "|".join(sorted(forms)) + ")" + after, re.IGNORECASE)


def _naming(email: str) -> list[OutgoingMail]:
    """Other people's mail whose text names the address (someone quoting it in a comment, a
    message): theirs to keep, without the address."""
    pattern = _address_in_text(email)
    candidates = OutgoingMail.objects.filter(
        Q(subject__icontains=email)
        | Q(body_text__icontains=email)
        | Q(body_html__icontains=email)
        | Q(body_html__icontains=html.escape(email))
    ).exclude(status=OutgoingMail.Status.SENDING)
    return [
        mail
        for mail in candidates
        if any(pattern.search(text) for text in (mail.subject, mail.body_text, mail.body_html))
    ]


def _erase(erasure: Erasure) -> None:
    """The address's own mail is deleted (found before the rows that pointed at it went);
    someone else's mail that names the address keeps its text, without the address."""
    mail_ids = [
        mail.pk for mail in erasure.found["mails"] if mail.status != OutgoingMail.Status.SENDING
    ]  # a worker holds a mail that is being sent for a moment
    mails = OutgoingMail.objects.filter(pk__in=mail_ids)
    pattern = _address_in_text(erasure.email)
    with translation.override(settings.LANGUAGE_CODE):
        erased_address = _("[address erased]")
    erased_ids = set(mail_ids)
    naming = [mail for mail in _naming(erasure.email) if mail.pk not in erased_ids]
    subject_length = OutgoingMail._meta.get_field("subject").max_length
    for mail in naming:
        for column in ("subject", "body_text", "body_html"):
            text = pattern.sub(lambda _match: erased_address, getattr(mail, column))
            setattr(mail, column, text[:subject_length] if column == "subject" else text)
    OutgoingMail.objects.bulk_update(naming, ["subject", "body_text", "body_html"])
    erasure.summary["mails"] = mails.count()
    erasure.summary["mails_scrubbed"] = len(naming)
    mails.delete()


def _bodies_clear() -> int:
    """What old mail said, and about whom (a subject may name a reader, the reply address of
    a mail to the editors is the reader's, the headers hold personal unsubscribe links, a
    mail never written holds the link it was to carry, a mail server's refusal names the
    address); the row stays, to show it was sent."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_MAIL_DAYS)
    old = OutgoingMail.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]
    )
    said = ~Q(subject="") | ~Q(body_text="") | ~Q(body_html="") | ~Q(reply_to="")
    said |= ~Q(headers={}) | ~Q(attachments=[]) | ~Q(last_error="") | Q(context__isnull=False)
    return int(
        old.filter(said).update(
            subject="",
            body_text="",
            body_html="",
            reply_to="",
            headers={},
            attachments=[],
            last_error="",
            context=None,
        )
    )


MAILS = PersonalData(
    kind="mails",
    position=50,
    file_name=gettext_lazy("mails"),
    columns={
        "kind": gettext_lazy("kind"),
        "to_you": gettext_lazy("to you"),
        "subject": gettext_lazy("subject"),
        "status": gettext_lazy("status"),
        "created_at": gettext_lazy("made at"),
        "sent_at": gettext_lazy("sent at"),
        "text": gettext_lazy("text"),
    },
    find=_find,
    export=_export,
    count_label=ngettext_lazy("%(n)s mail", "%(n)s mails", "n"),
    erase=_erase,
    receipt={"mails": ngettext_lazy("%(n)s mail deleted", "%(n)s mails deleted", "n")},
    overview_template="mail/privacy/mails.html",
    overview_context=lambda mails, email: {
        "mail_rows": [(_shown(mail), _to_reader(mail, email)) for mail in mails]
    },
    held=lambda mail: mail.kind != _OVERVIEW_LINK_KIND,
    retention=[("mail_bodies_cleared", _bodies_clear)],
)
