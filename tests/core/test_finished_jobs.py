"""The database backend's rows of finished jobs leave the database on their own: kept for
good, they grew by one for every mail the site ever sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from voorproef.core import workers
from voorproef.core.scheduling import periodic_jobs
from voorproef.mail.tasks import mail_send_task

pytestmark = pytest.mark.django_db


def _job(status: str, finished_ago: timedelta | None) -> str:
    """A job as the worker leaves it: run (or not) and finished that long ago."""
    result = mail_send_task.enqueue(1)
    finished_at = timezone.now() - finished_ago if finished_ago is not None else None
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
    return str(result.id)


def test_the_scheduler_deletes_finished_jobs_after_a_day_and_failed_ones_after_a_month() -> None:
    done_yesterday = _job("SUCCESSFUL", timedelta(days=1, minutes=1))
    done_today = _job("SUCCESSFUL", timedelta(hours=23))
    failed_last_week = _job("FAILED", timedelta(days=7))
    failed_long_ago = _job("FAILED", timedelta(days=31))
    waiting_long = _job("READY", None)
    DBTaskResult.objects.filter(pk=waiting_long).update(
        enqueued_at=timezone.now() - timedelta(days=60)
    )

    (job,) = [job for job in periodic_jobs() if job.name == "finished jobs"]
    assert job.every == 3600
    job.run()

    mine = {done_yesterday, done_today, failed_last_week, failed_long_ago, waiting_long}
    left = {str(pk) for pk in DBTaskResult.objects.filter(pk__in=mine).values_list("pk", flat=True)}
    assert left == {done_today, failed_last_week, waiting_long}
    assert job.run() == 0  # nothing more to delete, and no harm in asking


def test_a_long_backlog_is_deleted_a_limited_number_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "DELETE_BATCH", 2)
    monkeypatch.setattr(workers, "DELETE_LIMIT", 3)
    old = {_job("SUCCESSFUL", timedelta(days=2)) for _ in range(5)}

    def left() -> int:
        return DBTaskResult.objects.filter(pk__in=old).count()

    assert workers.jobs_finished_delete() == 4  # two batches of two: the limit was reached
    assert left() == 1
    assert workers.jobs_finished_delete() == 1  # the next hour's run takes the rest
    assert left() == 0
