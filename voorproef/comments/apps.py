from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.personal_data import personal_data_register
from voorproef.mail.kinds import mail_kind_register


class CommentsConfig(AppConfig):
    name = "voorproef.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from . import personal_data, signal_handlers

        personal_data_register(personal_data.COMMENTS)
        signal_handlers.connect()
        mail_kind_register("comment-moderate", _("comment to moderate"))
        mail_kind_register("comment-approved", _("new comment"))
        mail_kind_register("comment-reply", _("reply to a comment"))
