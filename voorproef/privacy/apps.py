from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.personal_data import retention_rule_register
from voorproef.core.scheduling import periodic_job
from voorproef.mail.kinds import mail_kind_register


class PrivacyConfig(AppConfig):
    name = "voorproef.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from . import signal_handlers
        from .services import access_links_delete, access_mails_delete, retention_purge

        signal_handlers.connect()
        retention_rule_register("access_links_deleted", access_links_delete)
        retention_rule_register("access_mails_deleted", access_mails_delete)
        periodic_job("retention purge", retention_purge, every=3600)
        mail_kind_register("privacy-access", _("link to Mijn gegevens"))
        mail_kind_register("privacy-taken-off", _("taken off the site"))
