from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "voorproef.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.connect()
