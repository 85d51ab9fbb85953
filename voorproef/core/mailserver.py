"""What the configured mail server can deliver, as far as a public form needs to know before it
accepts an address: an address with letters beyond ASCII before the @ (`зоя@example.ru`) goes
out only through a server that announces SMTPUTF8 (RFC 6531).

The worker learns the answer each time it connects (voorproef/mail/backends.py); a form asks
the server itself only when nobody has for a day, and briefly: a server that does not answer
within seconds does not hold up the reader, whose address is then accepted (the mail to it
fails with its reason if the server turns out not to take it)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPEmailBackend
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_KEY = "mailserver:smtputf8"
_REMEMBERED_FOR = 24 * 3600
_UNKNOWN_FOR = 300  # a server that did not answer is asked again after five minutes
_PROBE_TIMEOUT = 3


def smtputf8_remember(supported: bool) -> None:
    cache.set(_KEY, supported, _REMEMBERED_FOR)


def _smtp_configured() -> bool:
    return issubclass(import_string(settings.EMAIL_BACKEND), SMTPEmailBackend)


def _probe() -> bool | None:
    backend = get_connection(timeout=_PROBE_TIMEOUT)
    try:
        backend.open()
        connection = backend.connection
        connection.ehlo_or_helo_if_needed()
        return bool(connection.has_extn("smtputf8"))
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("the mail server did not say whether it takes SMTPUTF8: %s", error)
        return None
    finally:
        backend.close()


def international_addresses_deliverable() -> bool:
    """Whether mail to an address with non-ASCII letters before the @ can go out: always
    with a backend that is not SMTP (the console in development), else as the server says."""
    if not _smtp_configured():
        return True
    known = cache.get(_KEY)
    if known is None:
        known = _probe()
        if known is None:
            cache.set(_KEY, "unknown", _UNKNOWN_FOR)
        else:
            smtputf8_remember(known)
    return known is not False
