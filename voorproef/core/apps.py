from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "voorproef.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from . import auth, checks, signal_handlers  # noqa: F401 (checks registers itself)

        signal_handlers.connect()
        auth.connect()
