"""Editors' password reset. The mail goes through the outbox, like every other mail: it is
never sent in the request (so a known address is not answered seconds later than an unknown
one, and a mail server that is down loses nothing), and an address or a network that asks
too often is quietly not mailed again. The answer is the same page either way."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import reverse
from wagtail.admin.forms.auth import PasswordResetForm

from voorproef.core.guards import rate_limit_hit
from voorproef.core.ip import client_limit_unit
from voorproef.core.links import absolute_url

from .services import mail_queue

logger = logging.getLogger("voorproef.auth")

PASSWORD_RESET_MAIL = "admin-password-reset"  # noqa: S105 (a kind of mail)


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        email = self.cleaned_data["email"].casefold()
        over = [
            rate_limit_hit(
                "password-reset-ip",
                client_limit_unit(request) if request is not None else "",
                limit=settings.PASSWORD_RESETS_PER_IP_PER_HOUR,
                seconds=3600,
            ),
            rate_limit_hit(
                "password-reset-email",
                email,
                limit=settings.PASSWORD_RESETS_PER_ADDRESS_PER_DAY,
                seconds=86400,
            ),
        ]
        if any(over):
            logger.warning("password reset not mailed: over its limit")
            return
        super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        link = reverse(
            "wagtailadmin_password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        mail_queue(
            kind=PASSWORD_RESET_MAIL,
            to=to_email,
            context={
                "link": absolute_url(link),
                "username": context["user"].get_username(),
                "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
            },
        )
