"""Counts wait in the cache, not the database: each process writes its sums for 20 seconds
under a key of its own, and the scheduler folds the buckets that ended into daily rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from voorproef.core.scheduling import periodic_jobs
from voorproef.essays.models import EssayPage
from voorproef.stats import services
from voorproef.stats.models import BufferWriter, DailyCount, DailySalt
from voorproef.stats.services import BUCKET_SECONDS, WRITER_BUCKETS, counts_fold

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0  # a bucket's start: 1_800_000_000 is a multiple of 20
KEY = ("2027-01-15", 42, "view", services.NO_SOURCE)


def test_a_view_is_not_a_database_write_until_the_bucket_is_folded(
    client: Client, essay: EssayPage
) -> None:
    services._buffer.add([KEY, KEY], now=T0)
    services._buffer.add([KEY], now=T0 + 1)
    assert not DailyCount.objects.exists()
    assert counts_fold(now=T0 + BUCKET_SECONDS - 1) == 0  # still this bucket
    assert counts_fold(now=T0 + BUCKET_SECONDS + 10) == 3
    assert DailyCount.objects.get(page_id=42).count == 3
    assert counts_fold(now=T0 + BUCKET_SECONDS + 70) == 0  # folded once, not twice


def test_counts_of_several_buckets_and_processes_add_up(essay: EssayPage) -> None:
    services._buffer.add([KEY], now=T0)
    services._buffer.add([KEY], now=T0 + BUCKET_SECONDS)
    other = services._Buffer()  # another web process
    other.add([KEY, KEY], now=T0 + 5)
    assert other.writer is not None and services._buffer.writer is not None
    assert other.writer.pk != services._buffer.writer.pk
    counts_fold(now=T0 + 3 * BUCKET_SECONDS)
    assert DailyCount.objects.get(page_id=42).count == 4


def test_the_dashboard_right_after_a_bucket_ended_sees_all_this_process_counted(
    essay: EssayPage,
) -> None:
    services._buffer.add([KEY, KEY], now=T0 + BUCKET_SECONDS - 1)  # just before the bucket ends
    services._buffer.add([KEY], now=T0 + BUCKET_SECONDS)  # the next one
    other = services._Buffer()  # another web process, its bucket may still be written
    other.add([KEY], now=T0 + BUCKET_SECONDS - 1)
    assert counts_fold(include_current=True, now=T0 + BUCKET_SECONDS + 1) == 3
    assert DailyCount.objects.get(page_id=42).count == 3
    assert counts_fold(now=T0 + 3 * BUCKET_SECONDS) == 1  # the other's, once it is safe
    assert DailyCount.objects.get(page_id=42).count == 4


def test_a_lost_cache_loses_the_waiting_counts_not_the_folded_ones(essay: EssayPage) -> None:
    services._buffer.add([KEY], now=T0)
    counts_fold(now=T0 + BUCKET_SECONDS + 10)
    services._buffer.add([KEY], now=T0 + 2 * BUCKET_SECONDS)
    services.stats_cache().clear()  # Redis restarted, or its files gone
    counts_fold(now=T0 + 4 * BUCKET_SECONDS)
    assert DailyCount.objects.get(page_id=42).count == 1


def test_a_process_takes_a_new_writer_each_hour_and_the_old_one_is_forgotten(
    essay: EssayPage,
) -> None:
    services._buffer.add([KEY], now=T0)
    first = services._buffer.writer
    services._buffer.add([KEY], now=T0 + WRITER_BUCKETS * BUCKET_SECONDS)
    assert services._buffer.writer != first
    counts_fold(now=T0 + (WRITER_BUCKETS + 2) * BUCKET_SECONDS)
    assert list(BufferWriter.objects.all()) == [services._buffer.writer]
    assert DailyCount.objects.get(page_id=42).count == 2


def test_the_scheduler_folds_every_round() -> None:
    assert any(job.name == "statistics" and job.every == 0 for job in periodic_jobs())


def test_a_visitor_is_another_hash_each_day_and_old_salts_are_deleted(essay: EssayPage) -> None:
    today = timezone.localdate()
    hashes = {
        services.visit_hash(day=day, ip_network="192.0.2.0", user_agent="Firefox")
        for day in (today - timedelta(days=2), today - timedelta(days=1), today)
    }
    assert len(hashes) == 3
    assert services.salts_delete() == 2
    assert list(DailySalt.objects.values_list("day", flat=True)) == [today]


def test_the_purge_deletes_the_salts(essay: EssayPage) -> None:
    from django.core.management import call_command

    DailySalt.objects.create(day=date(2020, 1, 1), salt="x")
    call_command("purge", verbosity=0)
    assert not DailySalt.objects.filter(day=date(2020, 1, 1)).exists()
