"""How a task worker is started, and how a job is queued, for the configured backend
(TASKS_BACKEND)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# A sweep queues at most this many jobs a round, this many per transaction: a backlog of
# thousands queued again in one transaction held SQLite's writers' lock for seconds, and every
# reader's post waited (make bench, 2026-12-07).
REQUEUE_LIMIT = 1000
REQUEUE_BATCH = 100
# The database backend keeps a row for every job it ran. What a job did is kept where it
# belongs (a mail's status, a delivery's), so a finished job's row is deleted after a day, one
# that failed after a month (its traceback is for whoever looks into it): kept for good, they
# grew by one for every mail the site ever sent.
FINISHED_JOBS_KEPT = timedelta(days=1)
FAILED_JOBS_KEPT = timedelta(days=30)
DELETE_BATCH = 1000
# At most this many a run, so that the first run after an upgrade, which may find millions,
# holds up the scheduler's other jobs for seconds, not for as long as the whole backlog takes.
DELETE_LIMIT = 100_000


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


def jobs_finished_delete() -> int:
    """Delete the database backend's rows of jobs finished longer ago than they are kept, in
    short transactions, at most DELETE_LIMIT a run; returns how many. Run hourly by the
    scheduler. Not django_tasks_db's own `prune_db_task_results`: it deletes all that is due in
    one statement, and on SQLite a long statement holds the writers' lock that every reader's
    form post waits for."""
    if settings.TASKS_BACKEND != "database":
        return 0  # RQ forgets a finished job itself (its result_ttl)
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    done = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - FINISHED_JOBS_KEPT)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - FAILED_JOBS_KEPT)
    )
    deleted = 0
    while deleted < DELETE_LIMIT and (
        ids := list(done.values_list("pk", flat=True)[:DELETE_BATCH])
    ):
        with transaction.atomic():
            deleted += DBTaskResult.objects.filter(pk__in=ids).delete()[0]
    if deleted:
        logger.info("deleted %s finished jobs", deleted)
    return deleted


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
