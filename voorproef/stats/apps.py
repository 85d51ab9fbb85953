from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from voorproef.core.pagescripts import page_script_register
from voorproef.core.personal_data import retention_rule_register
from voorproef.core.scheduling import periodic_job


class StatsConfig(AppConfig):
    name = "voorproef.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from . import signal_handlers
        from .services import salts_delete, stats_fold

        signal_handlers.connect()
        # Every round of the scheduler (a minute): the beacons nginx wrote down, the buckets that
        # ended. A lost cache loses at most that much.
        periodic_job("statistics", stats_fold)
        retention_rule_register("statistics salts", salts_delete)
        page_script_register("stats/js/beacon.js")
