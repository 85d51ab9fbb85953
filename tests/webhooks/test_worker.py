"""Exactly one accepted delivery per event per webhook, with the real worker processes: two of
them at once, every job enqueued twice, a receiver that answers 500 before 200, and a worker
stopped and started again half-way."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.downloads.helpers import requested
from tests.support import free_port, process_env, process_start, processes_stop, wait_for
from voorproef.core.workers import worker_command
from voorproef.essays.models import EssayPage
from voorproef.webhooks.models import Delivery
from voorproef.webhooks.tasks import delivery_send_task

from .helpers import hook
from .receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Any]:
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        env = process_env(
            free_port(), WEBHOOK_RETRY_SECONDS="1,1,1,1,1", WEBHOOK_TIMEOUT_SECONDS="2"
        )
        log = tmp_path / f"worker-{len(processes)}.log"
        process = process_start(
            [sys.executable, "manage.py", *worker_command(poll_seconds=0.2)], env, log
        )
        processes.append(process)
        return process

    yield start
    processes_stop(processes, tmp_path.glob("worker-*.log"))


def test_two_workers_retries_and_a_restart_give_one_accepted_delivery_per_event(
    essay: EssayPage, workers: Any
) -> None:
    with Receiver(answers_per_id=[500]) as receiver:
        _webhook, secret = hook(receiver.url, ["lead.created"])
        _second, second_secret = hook(receiver.url, ["lead.created"], name="Archief")
        receiver.secrets = [secret, second_secret]
        first = workers()
        workers()
        for number in range(12):
            requested(essay, email=f"lezer{number}@example.nl")
            if number == 5:
                first.terminate()  # stopped as systemd stops it, and started again
                first.wait(timeout=20)
                workers()
        for delivery_id in Delivery.objects.values_list("pk", flat=True):
            delivery_send_task.enqueue(delivery_id)  # a job run twice changes nothing
        assert wait_for(
            lambda: Delivery.objects.filter(status="delivered").count() == 24, timeout=90
        ), list(Delivery.objects.values_list("status", "last_error"))

    assert len(receiver.accepted) == 24  # 12 events, 2 webhooks
    assert not receiver.repeats and receiver.bad_signatures == 0
    emails = sorted(body["data"]["email"] for body in receiver.accepted.values())
    assert emails == sorted([f"lezer{n}@example.nl" for n in range(12)] * 2)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}
