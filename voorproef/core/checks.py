"""Checks of `manage.py check --deploy` that Django does not make for this site."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def mail_is_sent(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.EMAIL_BACKEND != "django.core.mail.backends.console.EmailBackend":
        return []
    return [
        Warning(
            "EMAIL_URL is not set: every mail is written to the log instead of sent, readers' "
            "personal links and addresses with it.",
            hint="Set EMAIL_URL to the mail server (smtp://… or smtps://…).",
            id="voorproef.W001",
        )
    ]


@register(deploy=True)
def pdf_fonts_subset_fast(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # WeasyPrint subsets each PDF's fonts with HarfBuzz when the library is there (4.1 or newer)
    # and with fontTools otherwise: the overlay that names the reader then takes ten times as
    # long (195 against 20 ms a copy), and the worker mails a launch's copies that much slower.
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return []
    return [
        Warning(
            "HarfBuzz's subsetter (libharfbuzz-subset 4.1 or newer) is missing: every personal "
            "PDF takes ten times as long to stamp, and WeasyPrint logs a warning for each.",
            hint="Install it (Debian: apt-get install libharfbuzz-subset0).",
            id="voorproef.W002",
        )
    ]
