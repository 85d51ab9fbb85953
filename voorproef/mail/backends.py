from __future__ import annotations

from typing import Any

import dkim
from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import EmailMessage, sanitize_address


class SMTPBackend(EmailBackend):
    """Django's SMTP backend, with a DKIM signature when a key is configured."""

    def _send(self, email_message: EmailMessage) -> bool:
        if not settings.DKIM_PRIVATE_KEY or not email_message.recipients():
            return bool(super()._send(email_message))  # type: ignore[misc]
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(a, encoding) for a in email_message.recipients()]
        message: Any = email_message.message()
        raw = message.as_bytes(linesep="\r\n")
        raw = dkim_sign(raw) + raw
        assert self.connection is not None
        self.connection.sendmail(from_email, recipients, raw)
        return True


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
