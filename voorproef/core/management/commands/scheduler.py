from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from voorproef.core.scheduling import periodic_jobs

logger = logging.getLogger(__name__)


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
        last_run: dict[str, float] = {}
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            for job in periodic_jobs():
                if time.monotonic() - last_run.get(job.name, float("-inf")) < job.every:
                    continue
                try:
                    job.run()
                    last_run[job.name] = time.monotonic()
                except Exception:
                    logger.exception("%s failed; trying again in %s s", job.name, interval)
            if once:
                break
            stop.wait(interval)
            # As between two requests: drop a connection that broke or grew too old meanwhile.
            close_old_connections()
