from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .scheduling import periodic_job


class CoreConfig(AppConfig):
    name = "voorproef.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from . import auth, checks, signal_handlers  # noqa: F401 (checks registers itself)
        from .routing import resolvers_build
        from .workers import jobs_finished_delete

        signal_handlers.connect()
        auth.connect()
        resolvers_build()
        periodic_job("scheduled publishing", _publish_scheduled)
        periodic_job("finished jobs", jobs_finished_delete, every=3600)


def _publish_scheduled() -> None:
    from django.core.management import call_command

    # Publishes and unpublishes pages whose go-live or expiry time has come.
    call_command("publish_scheduled", verbosity=0)
