"""How a task worker is started, and how a job is queued, for the configured backend
(TASKS_BACKEND)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction


def job_enqueue(enqueue: Callable[[], Any]) -> None:
    """Queue the job `enqueue` makes, for rows the current transaction stores.

    The database backend keeps its jobs in the site's own database: the job is written in that
    transaction and commits or rolls back with the rows it is for, so no commit leaves a row
    without its job, and on SQLite a reader's post takes the single writer's lock once, not a
    second time for the job alone. Another backend (RQ, on Redis) is told once the transaction
    commits (`transaction.on_commit`, as Django's own advice has it), so that its worker never
    looks for rows that are not there yet."""
    if settings.TASKS_BACKEND == "database":
        enqueue()
    else:
        transaction.on_commit(enqueue)


def worker_command(*, reload: bool = False, poll_seconds: float | None = None) -> list[str]:
    """The manage.py command (without `manage.py`) that runs a worker for every queue;
    `reload` restarts a database worker when the code changes (development)."""
    if settings.TASKS_BACKEND == "rq":
        # --with-scheduler: tasks to run later (a mail's next attempt) wait in RQ's scheduler.
        return ["rqworker", "default", "--with-scheduler"]
    command = ["db_worker", "--queue-name=*"] + ([] if reload else ["--no-reload"])
    if poll_seconds is not None:
        command += [f"--interval={poll_seconds}", "--no-startup-delay"]
    return command
