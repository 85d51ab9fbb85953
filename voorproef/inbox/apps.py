from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "voorproef.inbox"
    label = "inbox"
    verbose_name = _("Readers' messages")

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
