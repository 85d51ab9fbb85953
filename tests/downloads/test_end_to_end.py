"""The gate with its real parts: the form, the database, the worker process and an SMTP server."""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from voorproef.downloads.models import DownloadRequest
from voorproef.mail.models import OutgoingMail

from .test_gate_form import _post

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An SMTP server on this machine that keeps every message it is handed."""

    def __init__(self, port: int) -> None:
        self.messages: list[EmailMessage] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[int], subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start(smtp_port: int) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DATABASE_URL=_database_url(),
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            PRIVATE_ROOT=str(settings.PRIVATE_ROOT),
            MAIL_RETRY_SECONDS="1,1,1,1,1,1,1,1",
            DEBUG="0",
        )
        log = (tmp_path / f"worker-{len(processes)}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name=*",
                "--interval=0.2",
                "--no-reload",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def _wait_for(condition: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _attachment(message: EmailMessage) -> bytes:
    for part in message.iter_attachments():
        if part.get_content_type() == "application/pdf":
            return bytes(part.get_content())
    raise AssertionError("no PDF attached")


def test_a_request_becomes_a_mail_with_link_and_personal_pdf(
    client: Client, start_worker: Callable[[int], Any]
) -> None:
    port = _free_port()
    with Inbox(port) as inbox:
        start_worker(port)
        response = _post(client, name="Marieke Jansen", email="marieke@example.nl")
        assert response.status_code == 302
        assert _wait_for(lambda: len(inbox.messages) == 1), "the mail arrives"

        (message,) = inbox.messages
        assert message["To"] == "marieke@example.nl"
        assert message["Subject"] == "Je exemplaar van „Nieuw Publiek Werken”"
        assert message["Message-ID"] and message["Date"]
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "Beste Marieke Jansen," in text
        link = re.search(r"http://127\.0\.0\.1:8000(/download/\S+/)", text)
        assert link and link.group(0) in html
        attached = PdfReader(io.BytesIO(_attachment(message)))
        assert "PersoonlijkexemplaarvoorMariekeJansen" in "".join(
            attached.pages[1].extract_text().split()
        )

        pdf = client.get(link.group(1) + "pdf/")
        assert pdf["Content-Type"] == "application/pdf"
        assert DownloadRequest.objects.get().download_count == 1
        mail = OutgoingMail.objects.get()
        assert mail.status == "sent"
        assert mail.message_id == message["Message-ID"]


def test_when_smtp_is_down_the_mail_waits_and_goes_out_once(
    client: Client, start_worker: Callable[[int], Any]
) -> None:
    port = _free_port()  # nothing listens here yet
    start_worker(port)
    assert _post(client, name="Kees", email="kees@example.nl").status_code == 302
    assert _wait_for(lambda: OutgoingMail.objects.filter(attempts__gte=2).exists())
    mail = OutgoingMail.objects.get()
    assert mail.status in {"queued", "sending"}
    assert "Connection refused" in mail.last_error or "Errno" in mail.last_error

    with Inbox(port) as inbox:
        assert _wait_for(lambda: len(inbox.messages) >= 1), "the mail goes out when SMTP is back"
        time.sleep(3)  # room for a duplicate to show up, if the worker would send one
        assert len(inbox.messages) == 1
    mail.refresh_from_db()
    assert mail.status == "sent"
