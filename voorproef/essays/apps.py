from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EssaysConfig(AppConfig):
    name = "voorproef.essays"
    label = "essays"
    verbose_name = _("Essays")
