from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.personal_data import personal_data_register
from voorproef.core.scheduling import periodic_job
from voorproef.mail.kinds import mail_kind_register


class WebhooksConfig(AppConfig):
    name = "voorproef.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from . import personal_data, signal_handlers
        from .services import deliveries_sweep

        personal_data_register(personal_data.DELIVERIES)
        signal_handlers.connect()
        mail_kind_register("webhook-disabled", _("webhook switched off"))
        periodic_job("webhook sweep", deliveries_sweep)
