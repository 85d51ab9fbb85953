"""How Voorproef is served wherever it runs: `manage.py run --production`, the systemd unit, the
bench and the scale-out test all start `python -m voorproef.server --bind=HOST:PORT`.

granian: HTTP is read, parsed and written in Rust, the app runs in WEB_CONCURRENCY processes of
WEB_THREADS threads. gunicorn did all of that in Python, under the GIL the app needs too: a page
from the cache cost some 550 µs of CPU there, of which Django's part was a tenth (README,
Performance). The access log is the app's own (`core/access_log.AccessLog`): granian's would
hold the reader's whole address.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

# Threads per process (WEB_THREADS), each running the app for one request at a time (HTTP is
# granian's). Of 1, 2 and 4 on SQLite, 2 served pages and POSTs best; on PostgreSQL 8 were no
# better than 2 for the POSTs, which wait on the database (README, Performance).
THREADS = 2
# nginx keeps idle connections to the app for reuse (deploy/nginx: upstream keepalive, closed
# after its keepalive_timeout of 60 s). The app must keep them open longer than that: a
# request nginx sends just as the app closes the connection is reset, and nginx answers a POST
# that met a reset with 502 rather than send it twice. granian closes a connection on which no
# request's headers arrived within this time.
KEEPALIVE_SECONDS = 75
# SIGTERM (a deploy, systemctl stop): requests in flight get this long to finish.
GRACEFUL_SECONDS = 10


def _count(name: str, default: int) -> int:
    """A whole number of at least 1 from the environment; a wrong one stops the start with a
    message that names the variable, as the settings do."""
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def workers() -> int:
    """WEB_CONCURRENCY, or one process per CPU."""
    return _count("WEB_CONCURRENCY", os.cpu_count() or 1)


def threads() -> int:
    """WEB_THREADS, or THREADS."""
    return _count("WEB_THREADS", THREADS)


def _logging() -> dict[str, Any]:
    """granian's own messages (start, stop, an app that raised past Django) on stdout, with
    keys and addresses masked as in every other log."""
    return {
        "filters": {"keys_masked": {"()": "voorproef.core.access_log.KeyMaskFilter"}},
        "formatters": {"generic": {"format": "[%(levelname)s] %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "generic",
                "filters": ["keys_masked"],
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {"_granian": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m voorproef.server", description=__doc__)
    parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (127.0.0.1:8000)")
    parser.add_argument("--workers", type=int, help="processes (WEB_CONCURRENCY)")
    args = parser.parse_args(argv)
    processes, per_process = args.workers or workers(), threads()
    host, _, port = args.bind.rpartition(":")

    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    Granian(
        "voorproef.wsgi:application",
        address=host.strip("[]") or "127.0.0.1",
        port=int(port),
        interface=Interfaces.WSGI,
        workers=max(1, processes),
        blocking_threads=per_process,
        websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=KEEPALIVE_SECONDS * 1000),
        log_dictconfig=_logging(),
        log_access=False,
        workers_kill_timeout=GRACEFUL_SECONDS,
        respawn_failed_workers=True,
    ).serve()


if __name__ == "__main__":
    main()
