"""Webhooks under load: how many deliveries a second the task worker sends to a receiver on
this machine (and how many the sending code itself manages, without the queue), and what
having three webhooks configured does to the download form's POST.

Run with `make bench` (or alone: VAR_DIR=var/bench-run .venv/bin/python bench/webhooks.py).
Prints a table and writes var/bench/webhooks.json. BENCH_SECONDS (15) sizes the runs:
BENCH_SECONDS×10 posts a variant, BENCH_SECONDS×20 events (three deliveries each).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")
os.environ.update(
    FORM_MIN_SECONDS="0",
    FORM_POSTS_PER_IP_PER_HOUR="1000000",
    FORM_POSTS_PER_EMAIL_PER_HOUR="1000000",
    DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY="0",  # the mail is not what is measured here
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from voorproef.core.guards import form_token_new  # noqa: E402
from voorproef.core.workers import worker_command  # noqa: E402
from voorproef.downloads.models import DownloadRequest  # noqa: E402
from voorproef.downloads.services import download_request_create  # noqa: E402
from voorproef.essays.models import EssayPage  # noqa: E402
from voorproef.webhooks.models import Delivery, Webhook  # noqa: E402
from voorproef.webhooks.services import delivery_send, webhook_create  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
POSTS = max(10, SECONDS * 10)
EVENTS = max(10, SECONDS * 20)
FORM = "/nieuw-publiek-werken/download/"
_posts = count()


class _Count(BaseHTTPRequestHandler):
    received = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with _Count.lock:
            _Count.received += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _post(client: Client) -> float:
    n = next(_posts)
    data = {
        "form_token": form_token_new(),
        "homepage": "",
        "name": "Anna",
        "email": f"lezer{n}@example.nl",
        "newsletter": "on",
    }
    started = time.perf_counter()
    response = client.post(FORM, data, headers={"Sec-Fetch-Site": "same-origin"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed * 1000


def _fresh() -> None:
    Delivery.objects.all().delete()
    DBTaskResult.objects.all().delete()


def _post_speed(url: str) -> dict[str, Any]:
    """Posts with and without three webhooks, alternating so that drift hits both alike.
    No worker runs meanwhile: what is measured is the POST itself storing its deliveries."""
    hooks = [
        webhook_create(name=f"bench {n}", url=url, events=["lead.created"], allow_private=True)[0]
        for n in range(3)
    ]
    client = Client(SERVER_NAME="127.0.0.1", SERVER_PORT="8000")
    _post(client)  # warm
    timings: dict[str, list[float]] = {"none": [], "three": []}
    for _ in range(POSTS):
        Webhook.objects.update(active=False)
        timings["none"].append(_post(client))
        Webhook.objects.update(active=True)
        timings["three"].append(_post(client))
    Webhook.objects.filter(pk__in=[h.pk for h in hooks]).delete()
    return {
        variant: {
            "median_ms": round(statistics.median(values), 2),
            "p90_ms": round(statistics.quantiles(values, n=10)[-1], 2),
        }
        for variant, values in timings.items()
    }


def _make_deliveries(url: str) -> int:
    for n in range(3):
        webhook_create(name=f"bench {n}", url=url, events=["lead.created"], allow_private=True)
    essay = EssayPage.objects.get(slug="nieuw-publiek-werken")
    for n in range(EVENTS):
        download_request_create(
            essay=essay,
            name="Anna",
            email=f"bulk{n}@example.nl",
            newsletter=False,
            ip_network="192.0.2.0",
            user_agent="bench",
        )
    return Delivery.objects.filter(status="queued").count()


def _worker_rate(url: str) -> dict[str, Any]:
    """The real worker process working through the queue."""
    _fresh()
    total = _make_deliveries(url)
    received_before = _Count.received
    env = {**os.environ, "DEBUG": "0"}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *worker_command(poll_seconds=0.1)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while _Count.received == received_before:
            time.sleep(0.005)  # the worker's start is not what is measured
        started = time.perf_counter()
        while Delivery.objects.filter(status="delivered").count() < total:
            time.sleep(0.05)
            if time.perf_counter() - started > 600:
                raise RuntimeError("the worker did not finish in ten minutes")
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    Webhook.objects.all().delete()
    return {"deliveries": total, "seconds": round(elapsed, 2), "per_second": round(total / elapsed)}


def _sender_rate(url: str) -> dict[str, Any]:
    """The sending code alone (lock, sign, POST, record), one after another in this process:
    the ceiling a worker's queue overhead is compared with."""
    _fresh()
    total = _make_deliveries(url)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    for delivery_id in ids:
        delivery_send(delivery_id=delivery_id)
    elapsed = time.perf_counter() - started
    assert Delivery.objects.filter(status="delivered").count() == total
    Webhook.objects.all().delete()
    return {"deliveries": total, "seconds": round(elapsed, 2), "per_second": round(total / elapsed)}


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    Webhook.objects.all().delete()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Count)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        posts = _post_speed(url)
        sender = _sender_rate(url)
        worker = _worker_rate(url)
    finally:
        server.shutdown()
        _fresh()
        DownloadRequest.objects.filter(reader__email__startswith="bulk").delete()

    print(
        f"download POST, {POSTS} each:  no webhooks {posts['none']['median_ms']:.2f} ms, "
        f"three webhooks {posts['three']['median_ms']:.2f} ms (medians; "
        f"p90 {posts['none']['p90_ms']:.2f} / {posts['three']['p90_ms']:.2f} ms)"
    )
    print(
        f"sending code alone:  {sender['per_second']:>5} deliveries/s "
        f"({sender['deliveries']} in {sender['seconds']} s)"
    )
    print(
        f"one task worker:     {worker['per_second']:>5} deliveries/s "
        f"({worker['deliveries']} in {worker['seconds']} s)"
    )
    out = ROOT / "var" / "bench" / "webhooks.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"download_post": posts, "sender": sender, "worker": worker}, indent=2)
    )


if __name__ == "__main__":
    main()
