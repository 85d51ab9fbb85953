from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.personal_data import personal_data_register
from voorproef.mail.kinds import mail_kind_register


class InboxConfig(AppConfig):
    name = "voorproef.inbox"
    label = "inbox"
    verbose_name = _("Readers' messages")

    def ready(self) -> None:
        from . import personal_data, signal_handlers

        personal_data_register(personal_data.MESSAGES)
        signal_handlers.connect()
        mail_kind_register("inbox-new", _("reader's message"))
        mail_kind_register("inbox-reply", _("reply to a reader"))
