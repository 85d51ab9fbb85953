from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _publish_scheduled() -> None:
    # Publishes and unpublishes pages whose go-live or expiry time has come.
    call_command("publish_scheduled", verbosity=0)


def _mail_sweep() -> None:
    from voorproef.mail.services import mail_queue_sweep

    mail_queue_sweep()


def _essay_pdfs() -> None:
    # Normally rendered when an essay is published; this catches what a lost job left out.
    from voorproef.downloads.services import essay_pdfs_missing
    from voorproef.downloads.tasks import essay_pdf_refresh_task

    for essay_id in essay_pdfs_missing():
        essay_pdf_refresh_task.enqueue(essay_id)


_PURGE_EVERY = 3600.0
_last_purge = [float("-inf")]


def _retention_purge() -> None:
    from voorproef.privacy.services import retention_purge

    if time.monotonic() - _last_purge[0] >= _PURGE_EVERY:
        retention_purge()
        _last_purge[0] = time.monotonic()


_JOBS = [
    ("scheduled publishing", _publish_scheduled),
    ("mail sweep", _mail_sweep),
    ("essay PDFs", _essay_pdfs),
    ("retention purge", _retention_purge),
]


class Command(BaseCommand):
    help = (
        "Run periodic work (scheduled publishing, mail that is due, the retention purge) every "
        "--interval seconds, until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="Run once and exit.")

    def handle(self, *args: Any, interval: int, once: bool, **options: Any) -> None:
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            for name, job in _JOBS:
                try:
                    job()
                except Exception:
                    logger.exception("%s failed; trying again in %s s", name, interval)
            if once:
                break
            stop.wait(interval)
            # As between two requests: drop a connection that broke or grew too old meanwhile.
            close_old_connections()
