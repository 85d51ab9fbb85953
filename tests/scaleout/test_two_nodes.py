"""Two app processes and two task workers on one database (PostgreSQL and Redis in CI): a
launch's worth of download requests, a worker stopped and restarted mid-run, and not one request
lost or mail doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.support import (
    Inbox,
    form_token,
    free_port,
    process_env,
    process_start,
    processes_stop,
    wait_for,
)
from voorproef.downloads.models import DownloadRequest
from voorproef.essays.models import EssayPage
from voorproef.mail import services as mail_services
from voorproef.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)

# Several nodes share a PostgreSQL database in production: there the test takes the launch-sized
# load. On SQLite (one file, one machine) it shows the same with fewer, in a quarter of the time.
_DEFAULT = "2000" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "500"
REQUESTS = int(os.environ.get("SCALEOUT_REQUESTS", _DEFAULT))


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[Callable[[int, int], subprocess.Popen[bytes]]]:
    """The app server as a node runs it (voorproef/server.py), on the test database, mailing
    through the given port."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(port: int, smtp_port: int) -> subprocess.Popen[bytes]:
        env = process_env(
            smtp_port,
            SITE_URL=f"http://127.0.0.1:{port}",
            # One test client stands in for thousands of readers:
            FORM_POSTS_PER_IP_PER_HOUR="1000000",
        )
        command = [
            sys.executable,
            "-m",
            "voorproef.server",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
        ]
        process = process_start(command, env, tmp_path / f"app-{port}.log")
        processes.append(process)
        return process

    yield start
    processes_stop(processes, tmp_path.glob("app-*.log"))


def _up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_two_nodes_and_two_workers_store_every_request_and_mail_each_once(
    essay: EssayPage,
    start_app: Callable[[int, int], subprocess.Popen[bytes]],
    start_worker: Callable[[int], subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    essay.attach_pdf = False  # the link only: this is about counting, not about PDFs
    essay.save_revision().publish()
    smtp_port = free_port()
    ports = [free_port(), free_port()]
    with Inbox(smtp_port) as inbox:
        for port in ports:
            start_app(port, smtp_port)
        workers = [start_worker(smtp_port), start_worker(smtp_port)]
        assert wait_for(lambda: all(_up(port) for port in ports), timeout=60)

        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))

        def post(n: int) -> int:
            response = session.post(
                f"http://127.0.0.1:{ports[n % 2]}/nieuw-publiek-werken/download/",
                data={
                    "name": f"Lezer {n}",
                    "email": f"lezer-{n}@example.nl",
                    "form_token": form_token(),
                    "homepage": "",
                },
                headers={"Sec-Fetch-Site": "same-origin"},
                allow_redirects=False,
                timeout=60,
            )
            return int(response.status_code)

        with ThreadPoolExecutor(max_workers=16) as pool:
            first = list(pool.map(post, range(REQUESTS // 3)))
            # A deploy restarts a worker: it finishes the task at hand, and another takes over.
            workers[0].send_signal(signal.SIGTERM)
            assert workers[0].wait(timeout=60) is not None
            rest = pool.map(post, range(REQUESTS // 3, REQUESTS))
            start_worker(smtp_port)
            statuses = Counter([*first, *rest])

        assert statuses == {302: REQUESTS}
        assert DownloadRequest.objects.count() == REQUESTS
        # A worker stopped as it took a job can lose that job (RQ keeps it aside until its
        # maintenance, minutes later); the scheduler's sweep queues such mail again, two
        # minutes after it was due in production, and 15 seconds here.
        monkeypatch.setattr(mail_services, "SWEEP_OVERDUE", timedelta(seconds=15))
        swept = [time.monotonic()]

        def arrived() -> bool:
            if time.monotonic() - swept[0] > 15:
                mail_services.mail_queue_sweep()
                swept[0] = time.monotonic()
            return len(inbox.messages) >= REQUESTS

        assert wait_for(arrived, timeout=300), f"{len(inbox.messages)} of {REQUESTS} mails arrived"
        time.sleep(3)  # room for a second copy of any mail, if one would come
        recipients = Counter(str(message["To"]) for message in inbox.messages)
        assert len(inbox.messages) == REQUESTS
        assert recipients == Counter(f"lezer-{n}@example.nl" for n in range(REQUESTS))
        assert OutgoingMail.objects.exclude(status=OutgoingMail.Status.SENT).count() == 0
