from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.scheduling import periodic_job


class WordPressConfig(AppConfig):
    name = "voorproef.wordpress"
    label = "wordpress"
    verbose_name = _("WordPress import")

    def ready(self) -> None:
        from .runs import import_files_purge

        periodic_job("WordPress import files", import_files_purge, every=3600)
