from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.personal_data import personal_data_register
from voorproef.core.scheduling import periodic_job

from .kinds import mail_kind_register


class MailConfig(AppConfig):
    name = "voorproef.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from . import personal_data
        from .services import mail_queue_sweep

        personal_data_register(personal_data.MAILS)
        mail_kind_register("admin-password-reset", _("new password"))
        periodic_job("mail sweep", mail_queue_sweep)
