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
