from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DownloadsConfig(AppConfig):
    name = "voorproef.downloads"
    label = "downloads"
    verbose_name = _("Downloads")

    def ready(self) -> None:
        from voorproef.mail.services import ATTACHMENT_BUILDERS

        from . import signal_handlers
        from .services import download_attachment

        ATTACHMENT_BUILDERS["download-pdf"] = download_attachment
        signal_handlers.connect()
