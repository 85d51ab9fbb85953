from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from voorproef.core import events
from voorproef.core.links import absolute_url, signed_id_link, signed_id_read
from voorproef.mail.services import editors_address, mail_queue

from .models import MessageReply, ReaderMessage

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage

from voorproef.privacy.consent import consent_record
from voorproef.privacy.models import Consent
from voorproef.privacy.notices import PublishedContentReason, published_content_notice

logger = logging.getLogger(__name__)

_WITHDRAW_SALT = "voorproef.inbox.withdraw"
# A second click on "send" within this time, with the same text, is the same reply.
_REPLY_REPEAT_WINDOW = timedelta(minutes=10)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def message_create(
    *,
    essay: FeaturePage,
    name: str,
    email: str,
    organisation: str,
    text: str,
    consent: str,
    consent_text: str,
    ip_network: str,
    user_agent: str,
) -> ReaderMessage:
    """Store a reader's message and tell the editors; the reader gets no automatic mail, so
    the form cannot be used to mail strangers."""
    with transaction.atomic():
        message = ReaderMessage.objects.create(
            essay=essay,
            name=name,
            email=email,
            organisation=organisation,
            text=text,
            consent=consent,
            ip_network=ip_network,
            user_agent=user_agent[:300],
        )
        if consent:
            consent_record(
                email=email,
                purpose=Consent.Purpose.PUBLICATION,
                text=consent_text,
                source=f"message form: {essay.slug}",
                given_at=message.created_at,
                subject=message,
            )
        editors = editors_address()
        if editors:
            message.mail = mail_queue(
                kind="inbox-new",
                to=editors,
                context={
                    "message": message,
                    "essay": essay,
                    "essay_link": essay.canonical_url(),
                    "admin_link": absolute_url(reverse("inbox:inspect", args=[message.pk])),
                },
                reply_to=message.email,
            )
            message.save(update_fields=["mail"])
        else:
            logger.warning("no editors' address set: message %s is in the admin only", message.pk)
        events.emit(
            "message.received",
            essay_id=essay.pk,
            subject=message,
            ip_network=ip_network,
            user_agent=message.user_agent,
        )
    return message


def message_open(*, message: ReaderMessage) -> None:
    """An editor opened the message: new becomes read."""
    if message.status == ReaderMessage.Status.NEW:
        message.status = ReaderMessage.Status.READ
        message.read_at = timezone.now()
        message.save(update_fields=["status", "read_at"])


def message_reply(*, message: ReaderMessage, author: Any, text: str) -> MessageReply:
    """Send an editor's answer to the reader, their own text quoted below it. The same text
    sent twice in a row (a double click, a resubmitted form) goes out once."""
    with transaction.atomic():
        message = ReaderMessage.objects.select_for_update().get(pk=message.pk)
        last = message.replies.order_by("-created_at").first()
        if (
            last is not None
            and last.text == text
            and last.created_at > timezone.now() - _REPLY_REPEAT_WINDOW
        ):
            return last
        reply = MessageReply.objects.create(message=message, author=author, text=text)
        reply.mail = mail_queue(
            kind="inbox-reply",
            to=message.email,
            context={
                "message": message,
                "essay": message.essay,
                "reply": reply,
                "quoted": _quoted(message.text),
                "withdraw_link": withdraw_link(message) if message.consent else "",
            },
            reply_to=editors_address(),
        )
        reply.save(update_fields=["mail"])
        message.status = ReaderMessage.Status.ANSWERED
        message.read_at = message.read_at or timezone.now()
        message.save(update_fields=["status", "read_at"])
    return reply


def message_archive(*, message: ReaderMessage) -> None:
    message.status = ReaderMessage.Status.ARCHIVED
    message.save(update_fields=["status"])


def message_restore(*, message: ReaderMessage) -> None:
    answered = message.replies.exists()
    message.status = ReaderMessage.Status.ANSWERED if answered else ReaderMessage.Status.READ
    message.save(update_fields=["status"])


def withdraw_link(message: ReaderMessage) -> str:
    return signed_id_link("inbox_consent_withdraw", message.pk, salt=_WITHDRAW_SALT)


def message_by_withdraw_token(token: str) -> ReaderMessage | None:
    pk = signed_id_read(token, salt=_WITHDRAW_SALT)
    if pk is None:
        return None
    return ReaderMessage.objects.select_related("essay").filter(pk=pk).first()


def published_experience(message: ReaderMessage) -> str:
    """How the editors' notice names a published experience: by its title, not its writer."""
    if message.public_title:
        return gettext("the experience “%(title)s”") % {"title": message.public_title}
    return gettext("a published experience")


def message_consent_withdraw(*, message: ReaderMessage) -> None:
    """The writer takes back their consent: the experience leaves the essay at once, and the
    editors hear that it did."""
    if not message.consent:
        return
    was_published = message.published
    with transaction.atomic():
        if was_published:
            published_content_notice(
                items=[(published_experience(message), message.essay.title)],
                reason=PublishedContentReason.WITHDRAWN,
            )
        message.consent = ReaderMessage.Consent.NONE
        message.published = False
        message.save(update_fields=["consent", "published", "published_at"])
        message.consents.filter(
            purpose=Consent.Purpose.PUBLICATION, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
