"""The gate with its real parts: the form, the database, the worker process and an SMTP server."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.support import Inbox, free_port, wait_for
from voorproef.downloads.models import DownloadRequest
from voorproef.mail.models import OutgoingMail

from .test_gate_form import _post

pytestmark = pytest.mark.django_db(transaction=True)


def _attachment(message: EmailMessage) -> bytes:
    for part in message.iter_attachments():
        if part.get_content_type() == "application/pdf":
            return bytes(part.get_content())
    raise AssertionError("no PDF attached")


def test_a_request_becomes_a_mail_with_link_and_personal_pdf(
    client: Client, start_worker: Callable[[int], Any]
) -> None:
    port = free_port()
    with Inbox(port) as inbox:
        start_worker(port)
        response = _post(client, name="Marieke Jansen", email="marieke@example.nl")
        assert response.status_code == 302
        assert wait_for(lambda: len(inbox.messages) == 1), "the mail arrives"

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
    port = free_port()  # nothing listens here yet
    start_worker(port)
    assert _post(client, name="Kees", email="kees@example.nl").status_code == 302
    assert wait_for(lambda: OutgoingMail.objects.filter(attempts__gte=2).exists())
    mail = OutgoingMail.objects.get()
    assert mail.status in {"queued", "sending"}
    assert "Connection refused" in mail.last_error or "Errno" in mail.last_error

    with Inbox(port) as inbox:
        assert wait_for(lambda: len(inbox.messages) >= 1), "the mail goes out when SMTP is back"
        time.sleep(3)  # room for a duplicate to show up, if the worker would send one
        assert len(inbox.messages) == 1
    mail.refresh_from_db()
    assert mail.status == "sent"
