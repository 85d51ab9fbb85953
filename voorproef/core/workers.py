"""How a task worker is started, and how a job is queued, for the configured backend
(TASKS_BACKEND)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

# A sweep queues at most this many jobs a round, this many per transaction: a backlog of
# thousands queued again in one transaction held SQLite's writers' lock for seconds, and every
# reader's post waited (make bench, 2026-12-07).
REQUEUE_LIMIT = 1000
REQUEUE_BATCH = 100


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


def jobs_requeue(
    rows: QuerySet[Any],
    enqueue: Callable[[int], None],
    *,
    overdue: timedelta = timedelta(0),
    limit: int | None = REQUEUE_LIMIT,
) -> int:
    """Queue a job again for each of `rows` (queued, with a `next_attempt_at`) whose own job
    should have run `overdue` ago: a job can be lost with a worker. Oldest first, in short
    transactions. A row queued again is due from now, so a backlog the worker is still working
    through gets one more job per `overdue`, not one every round."""
    now = timezone.now()
    due = rows.filter(next_attempt_at__lte=now - overdue).order_by("next_attempt_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), REQUEUE_BATCH):
        batch = ids[start : start + REQUEUE_BATCH]
        with transaction.atomic():
            rows.filter(pk__in=batch).update(next_attempt_at=now)
            for pk in batch:
                enqueue(pk)
    return len(ids)


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
