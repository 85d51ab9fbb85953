"""Django's SMTP backend, with a DKIM signature when a key is configured, and addresses with
letters beyond ASCII before the @ sent as RFC 6531 wants them: in UTF-8 in the envelope and
the headers (SMTPUTF8), never as an encoded word, which no server routes."""

from __future__ import annotations

import email.message
import email.policy
import smtplib
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

import dkim
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import EmailMessage, sanitize_address

from voorproef.core.mailserver import smtputf8_remember

_UTF8 = email.policy.SMTPUTF8.clone(linesep="\r\n")


def _international(address: str) -> bool:
    """Whether the address itself (not the name before it: "Café Zoë <post@…>" is not) has
    letters beyond ASCII before the @."""
    return not parseaddr(address)[1].rpartition("@")[0].isascii()


class SMTPBackend(EmailBackend):
    def open(self) -> bool | None:
        opened = super().open()
        if opened and self.connection is not None:
            self.connection.ehlo_or_helo_if_needed()
            smtputf8_remember(bool(self.connection.has_extn("smtputf8")))
        return opened

    def _send(self, email_message: EmailMessage) -> bool:
        if not email_message.recipients():
            return False
        assert self.connection is not None
        addresses = [email_message.from_email, *email_message.recipients()]
        if any(map(_international, addresses)):
            if not self.connection.has_extn("smtputf8"):
                raise smtplib.SMTPNotSupportedError(
                    "The mail server does not take addresses with non-ASCII letters before "
                    "the @ (it does not announce SMTPUTF8)."
                )
            return self._send_utf8(email_message)
        if any(map(_international, email_message.reply_to)):
            if not self.connection.has_extn("smtputf8"):
                # The editors' notice goes out without the reader's address to reply to (the
                # text names it): better than no notice at all.
                email_message.reply_to = []
            else:
                return self._send_utf8(email_message)
        if not settings.DKIM_PRIVATE_KEY:
            return bool(super()._send(email_message))  # type: ignore[misc]
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(a, encoding) for a in email_message.recipients()]
        message: Any = email_message.message()
        raw = message.as_bytes(linesep="\r\n")
        self.connection.sendmail(from_email, recipients, _signed(raw))
        return True

    def _send_utf8(self, email_message: EmailMessage) -> bool:
        assert self.connection is not None
        raw = utf8_message(email_message).as_bytes(policy=_UTF8)
        self.connection.sendmail(
            parseaddr(email_message.from_email)[1],
            [parseaddr(address)[1] for address in email_message.recipients()],
            _signed(raw),
            mail_options=["SMTPUTF8", "BODY=8BITMIME"],
        )
        return True


def utf8_message(source: EmailMessage) -> email.message.EmailMessage:
    """The same mail as Django would build it, with the standard library's modern API, whose
    SMTPUTF8 policy writes addresses in UTF-8."""
    message = email.message.EmailMessage(policy=_UTF8)
    message["Subject"] = source.subject
    message["From"] = source.from_email
    message["To"] = ", ".join(source.to)
    if source.cc:
        message["Cc"] = ", ".join(source.cc)
    if source.reply_to:
        message["Reply-To"] = ", ".join(source.reply_to)
    message["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    headers = {name.lower(): (name, value) for name, value in source.extra_headers.items()}
    if "message-id" not in headers:
        message["Message-ID"] = make_msgid()
    for name, value in headers.values():
        if name.lower() not in {"from", "to", "cc", "reply-to"}:
            message[name] = value
    message.set_content(source.body)
    if isinstance(source, EmailMultiAlternatives):
        for content, mimetype in source.alternatives:
            message.add_alternative(content, subtype=mimetype.split("/", 1)[1])
    for filename, content, mimetype in source.attachments:
        maintype, subtype = mimetype.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _signed(raw: bytes) -> bytes:
    return dkim_sign(raw) + raw if settings.DKIM_PRIVATE_KEY else raw


def dkim_sign(raw: bytes, **overrides: Any) -> bytes:
    """The DKIM-Signature header line for a whole message, signed for DKIM_DOMAIN."""
    domain = settings.DKIM_DOMAIN or settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">")
    return bytes(
        dkim.sign(
            raw,
            selector=settings.DKIM_SELECTOR.encode(),
            domain=domain.encode(),
            privkey=settings.DKIM_PRIVATE_KEY.encode(),
            include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"reply-to"],
            **overrides,
        )
    )
