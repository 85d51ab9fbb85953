from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.personal_data import personal_data_register
from voorproef.core.scheduling import periodic_job
from voorproef.mail.kinds import mail_kind_register


class DownloadsConfig(AppConfig):
    name = "voorproef.downloads"
    label = "downloads"
    verbose_name = _("Downloads")

    def ready(self) -> None:
        from voorproef.mail.services import ATTACHMENT_BUILDERS, CONTEXT_BUILDERS

        from . import personal_data, signal_handlers
        from .services import download_attachment, download_mail_context
        from .tasks import essay_pdfs_queue_missing

        ATTACHMENT_BUILDERS["download-pdf"] = download_attachment
        CONTEXT_BUILDERS["download"] = CONTEXT_BUILDERS["download-confirm"] = download_mail_context
        personal_data_register(personal_data.REQUESTS)
        personal_data_register(personal_data.CONSENTS)
        signal_handlers.connect()
        periodic_job("essay PDFs", essay_pdfs_queue_missing)
        mail_kind_register("download", _("download link"))
        mail_kind_register("download-confirm", _("address confirmation"))
