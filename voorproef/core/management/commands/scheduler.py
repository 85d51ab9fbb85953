from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run periodic work (scheduled publishing) every --interval seconds, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="Run once and exit.")

    def handle(self, *args: Any, interval: int, once: bool, **options: Any) -> None:
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            try:
                # Publishes and unpublishes pages whose go-live or expiry time has come.
                call_command("publish_scheduled", verbosity=0)
            except Exception:
                logger.exception("periodic work failed; trying again in %s s", interval)
            if once:
                break
            stop.wait(interval)
            # As between two requests: drop a connection that broke or grew too old meanwhile.
            close_old_connections()
