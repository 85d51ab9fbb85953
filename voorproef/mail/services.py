from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from voorproef.core.models import SiteSettings
from voorproef.core.workers import job_enqueue, jobs_requeue

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# Attachments are built when a mail goes out, by the name in its list of attachments:
# {"download-pdf": build(mail) -> file or None}.
Attachment = tuple[str, bytes, str]
ATTACHMENT_BUILDERS: dict[str, Callable[[OutgoingMail], Attachment | None]] = {}
# Mails written when they go out (mail_defer), by their kind: {"download": build(mail) ->
# context, or None when what the mail was for is gone}.
CONTEXT_BUILDERS: dict[str, Callable[[OutgoingMail], dict[str, Any] | None]] = {}
STUCK_AFTER = timedelta(minutes=15)
# A mail whose job has not taken it this long after it was due gets a job again.
SWEEP_OVERDUE = timedelta(minutes=2)


def _sender(site: SiteSettings) -> str:
    if site.mail_from_address:
        return formataddr(
            (site.mail_from_name or settings.WAGTAIL_SITE_NAME, site.mail_from_address)
        )
    return settings.DEFAULT_FROM_EMAIL


def editors_address(site: SiteSettings | None = None) -> str:
    """Where mail for the editors goes: the site setting, else EDITORS_EMAIL."""
    site = site or SiteSettings.load()
    return site.editors_email or settings.EDITORS_EMAIL


def reply_address(site: SiteSettings | None = None) -> str:
    """Where replies to the site's mail go: the reply-to setting, else the editors."""
    site = site or SiteSettings.load()
    return site.mail_reply_to or editors_address(site)


def _enqueue(mail_id: int, *, at: datetime | None = None) -> None:
    from .tasks import mail_send_task

    if at is not None and at.microsecond:
        # RQ keeps a job's time in whole seconds, cut down: a job for 12:00:00.7 would run at
        # 12:00:00, find the mail not yet due and leave it. A job never runs before its mail.
        at = at.replace(microsecond=0) + timedelta(seconds=1)
    task = mail_send_task.using(run_after=at) if at else mail_send_task
    job_enqueue(lambda: task.enqueue(mail_id))


def _render_plain(name: str, context: dict[str, Any]) -> str:
    """A subject or a text body: plain text, so what a reader typed stays as typed
    ("1'000", "<b>") instead of becoming HTML entities."""
    template: Any = get_template(name)
    return str(template.template.render(Context(context, autoescape=False)))


@dataclass(frozen=True)
class RenderedMail:
    """A mail's texts, rendered from its templates, not yet stored."""

    kind: str
    subject: str
    body_text: str
    body_html: str


def mail_render(*, kind: str, context: dict[str, Any]) -> RenderedMail:
    """Render a mail from its templates (emails/<kind>-subject.txt, -body.txt, -body.html).
    Apart from `mail_store` so that a request can render before it takes the database's
    writers' lock and only store while it holds it."""
    context = {"SITE_URL": settings.SITE_URL, "site_name": settings.WAGTAIL_SITE_NAME, **context}
    return RenderedMail(
        kind=kind,
        subject=" ".join(_render_plain(f"emails/{kind}-subject.txt", context).split()),
        body_text=_render_plain(f"emails/{kind}-body.txt", context),
        body_html=render_to_string(f"emails/{kind}-body.html", context),
    )


def mail_store(
    rendered: RenderedMail,
    *,
    to: str,
    reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> OutgoingMail:
    """Queue a rendered mail; a worker sends it once the transaction commits."""
    mail = OutgoingMail.objects.create(
        kind=rendered.kind,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        reply_to=reply_to,
        headers=headers or {},
        attachments=attachments or [],
    )
    _enqueue(mail.pk)
    return mail


def mail_defer(
    *,
    kind: str,
    to: str,
    context: dict[str, str],
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> OutgoingMail:
    """Queue a mail that the worker writes when it sends it, in the language active now: from
    what its kind's builder (CONTEXT_BUILDERS) reads of the rows the mail belongs to, and from
    `context`, what no row keeps (a reader's raw link). Writing a download mail in the request
    took a seventh of the request's time, on the cores every reader shares."""
    if kind not in CONTEXT_BUILDERS:
        raise ValueError(f"no builder for mail of kind {kind!r}")
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        context=context,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        headers=headers or {},
        attachments=attachments or [],
    )
    _enqueue(mail.pk)
    return mail


class MailUnwritable(Exception):
    """What a deferred mail was written for is gone (erased, or deleted as unconfirmed)."""


def mail_write(mail: OutgoingMail, *, save: bool = True) -> None:
    """Write a deferred mail's texts, and keep them (unless `save` is False: to show it as it
    will go out, changing nothing), so that an attempt that fails after this sends the same
    text later, and the outbox shows it. A written mail is left as it is."""
    if mail.context is None:  # written already
        return
    context = CONTEXT_BUILDERS[mail.kind](mail)
    if context is None:
        raise MailUnwritable(f"mail {mail.pk}: what it was for is gone")
    with translation.override(mail.language or settings.LANGUAGE_CODE):
        rendered = mail_render(kind=mail.kind, context={**context, **mail.context})
    mail.subject = rendered.subject
    mail.body_text = rendered.body_text
    mail.body_html = rendered.body_html
    mail.context = None
    if save:
        mail.save(update_fields=["subject", "body_text", "body_html", "context"])


def mail_queue(
    *,
    kind: str,
    to: str,
    context: dict[str, Any],
    reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> OutgoingMail:
    """Render a mail from its templates and queue it (`mail_render`, then `mail_store`)."""
    return mail_store(
        mail_render(kind=kind, context=context),
        to=to,
        reply_to=reply_to,
        headers=headers,
        attachments=attachments,
    )


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    site = SiteSettings.load()
    reply_to = mail.reply_to or reply_address(site)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=_sender(site),
        to=[mail.to],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname),
            **mail.headers,
        },
    )
    message.attach_alternative(mail.body_html, "text/html")
    for spec in mail.attachments:
        attachment = ATTACHMENT_BUILDERS[spec["builder"]](mail)
        if attachment is not None:
            message.attach(*attachment)
    return message


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPNotSupportedError):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def mail_send(*, mail_id: int) -> OutgoingMail | None:
    """Send one queued mail. Anything not queued (sent, being sent, failed) is left alone, so
    a retried or duplicated job never mails twice."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != OutgoingMail.Status.QUEUED:
            return mail
        if mail.next_attempt_at > timezone.now():
            return mail  # an early duplicate; the job scheduled for that time sends it
        mail.status = OutgoingMail.Status.SENDING
        mail.attempts += 1
        mail.claimed_at = timezone.now()
        mail.save(update_fields=["status", "attempts", "claimed_at"])

    try:
        mail_write(mail)
        message = _message(mail)
        message.send()
    except (smtplib.SMTPException, OSError, DatabaseError) as error:
        _attempt_failed(mail, error)
        return mail
    except Exception as error:  # a mail that cannot be built now never can be
        logger.exception("mail %s cannot be built or handed over", mail.pk)
        _attempt_failed(mail, error, permanent=True)
        return mail
    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.message_id = str(message.extra_headers["Message-ID"])
    mail.last_error = ""
    mail.save(update_fields=["status", "sent_at", "message_id", "last_error"])
    return mail


def _attempt_failed(mail: OutgoingMail, error: Exception, *, permanent: bool = False) -> None:
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    delays = settings.MAIL_RETRY_SECONDS
    if permanent or _permanent(error) or mail.attempts > len(delays):
        mail.status = OutgoingMail.Status.FAILED
        logger.error(
            "mail %s failed for good after %s attempts: %s", mail.pk, mail.attempts, mail.last_error
        )
    else:
        mail.status = OutgoingMail.Status.QUEUED
        mail.next_attempt_at = timezone.now() + timedelta(seconds=delays[mail.attempts - 1])
        logger.warning(
            "mail %s not sent (%s); next attempt at %s",
            mail.pk,
            mail.last_error,
            mail.next_attempt_at,
        )
    with transaction.atomic():
        mail.save(update_fields=["status", "last_error", "next_attempt_at"])
        if mail.status == OutgoingMail.Status.QUEUED:
            _enqueue(mail.pk, at=mail.next_attempt_at)


def mail_resend(*, mail: OutgoingMail) -> None:
    """Queue a failed mail again, from the start (an editor's action)."""
    with transaction.atomic():
        updated = OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.FAILED).update(
            status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        if updated:
            _enqueue(mail.pk)


def mail_queue_sweep() -> int:
    """Periodic: queue a job again for mail that has waited for its own too long (jobs can be
    lost with a worker), and give up on mails left half-sent by a worker that died while
    sending."""
    now = timezone.now()
    stuck = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).update(
        status=OutgoingMail.Status.FAILED,
        last_error="The worker stopped while sending; it may or may not have gone out.",
    )
    if stuck:
        logger.error("%s mails were left half-sent; marked failed for an editor to check", stuck)
    return jobs_requeue(
        OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED),
        _enqueue,
        overdue=SWEEP_OVERDUE,
    )


def mails_delete(*, kind: str, older_than: timedelta) -> int:
    """Mail of one kind that was sent (or failed) longer ago than this leaves the outbox."""
    old = OutgoingMail.objects.filter(kind=kind, created_at__lt=timezone.now() - older_than)
    return int(
        old.exclude(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]).delete()[
            0
        ]
    )
