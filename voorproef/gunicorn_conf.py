"""How gunicorn serves Voorproef wherever it runs: `manage.py run --production`, the systemd
unit, the bench and the scale-out test all start it with `--config=python:voorproef.gunicorn_conf`
(a command-line option still wins, e.g. `--bind`)."""

import os

wsgi_app = "voorproef.wsgi:application"
# Threads: a reader on a slow line holds a thread, not a process.
worker_class = "gthread"
threads = 4
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
# nginx keeps idle connections to the app for reuse (deploy/nginx: upstream keepalive, closed
# after its keepalive_timeout of 60 s). The app must keep them open longer than that: with
# gunicorn's default of 2 s, a request nginx sends just as gunicorn closes the connection is
# reset, and nginx answers a POST that met a reset with 502 rather than send it twice.
keepalive = 75
# SIGTERM (a deploy, systemctl stop): requests in flight get this long to finish.
graceful_timeout = 10
accesslog = "-"
# One line per request, holding only what readers are told is kept: their network, not their
# address; personal links with the key masked; no user agent, no referer.
logger_class = "voorproef.core.access_log.AccessLogger"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker: object) -> None:
    """What the worker loaded (Django, Wagtail, the project: some 200,000 objects) lives as
    long as it does; frozen, Python's full garbage collection no longer walks it. Unfrozen, each
    full collection stopped the process's threads for about 100 ms every few seconds under
    load, the slowest hundredth of page renders; frozen, such a pause takes a few ms."""
    import gc

    gc.freeze()
