from __future__ import annotations

import base64
import smtplib
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import dkim
import pytest
from django.conf import settings as django_settings
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.support import written
from voorproef.essays.models import EssayPage
from voorproef.mail.backends import dkim_sign
from voorproef.mail.models import OutgoingMail
from voorproef.mail.services import mail_queue, mail_queue_sweep, mail_send

pytestmark = pytest.mark.django_db


def _queue(essay: EssayPage) -> OutgoingMail:
    return mail_queue(
        kind="download",
        to="lezer@example.nl",
        context={
            "name": "Lezer",
            "essay": essay,
            "link": "http://127.0.0.1:8000/x/",
            "expires_at": timezone.now(),
            "attached": False,
            "newsletter_link": "",
        },
    )


def test_a_mail_is_sent_once_however_often_its_job_runs(essay: EssayPage) -> None:
    mail = _queue(essay)
    for _ in range(3):
        mail_send(mail_id=mail.pk)
    assert len(django_mail.outbox) == 1
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert mail.sent_at is not None
    sent = django_mail.outbox[0]
    assert sent.to == ["lezer@example.nl"]
    assert sent.extra_headers["Message-ID"] == mail.message_id
    assert [a[1] for a in sent.alternatives] == ["text/html"]  # type: ignore[union-attr]


def test_the_mail_speaks_dutch_with_text_and_html(essay: EssayPage) -> None:
    mail = _queue(essay)
    assert mail.subject == "Je exemplaar van „Nieuw Publiek Werken”"
    assert "Beste Lezer," in mail.body_text
    assert "Beste Lezer," in mail.body_html
    assert "<script" not in mail.body_html


@pytest.fixture
def smtp_fails(settings: Any) -> Any:
    """A mail backend whose server answers as the test says."""
    errors: list[Exception] = []

    from django.core.mail.backends.base import BaseEmailBackend

    class Backend(BaseEmailBackend):
        def send_messages(self, messages: Any) -> int:
            raise errors[0]

    import sys

    module = sys.modules[__name__]
    module.FailingBackend = Backend  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    return errors


def test_an_unreachable_server_leaves_the_mail_queued_with_a_later_attempt(
    essay: EssayPage, smtp_fails: list[Exception], settings: Any
) -> None:
    settings.MAIL_RETRY_SECONDS = [60, 300]
    smtp_fails.append(ConnectionRefusedError(111, "Connection refused"))
    mail = _queue(essay)
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert "Connection refused" in mail.last_error
    assert mail.next_attempt_at > timezone.now() + timedelta(seconds=50)

    mail_send(mail_id=mail.pk)  # an early duplicate job does nothing
    mail.refresh_from_db()
    assert mail.attempts == 1

    for _ in range(2):
        OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
        mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("failed", 3)


def test_the_next_attempt_is_never_run_before_the_mail_is_due(
    essay: EssayPage, smtp_fails: list[Exception], settings: Any, committed: Any
) -> None:
    # RQ keeps a job's time in whole seconds, cut down; a job a fraction of a second early
    # would find the mail not due yet and leave it waiting for the next sweep.
    settings.MAIL_RETRY_SECONDS = [1.5]
    smtp_fails.append(ConnectionRefusedError(111, "Connection refused"))
    mail = _queue(essay)
    with committed():
        mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    run_after = _retry_time()
    assert mail.next_attempt_at <= run_after < mail.next_attempt_at + timedelta(seconds=1)


def _retry_time() -> datetime:
    """When the task backend will run the retry it holds."""
    if django_settings.TASKS_BACKEND == "rq":
        import django_rq

        registry = django_rq.get_queue("default").scheduled_job_registry
        return registry.get_scheduled_time(registry.get_job_ids()[-1])
    retry = DBTaskResult.objects.filter(task_path__endswith="mail_send_task").latest("enqueued_at")
    assert retry.run_after is not None
    return retry.run_after


def test_a_refused_recipient_fails_at_once(essay: EssayPage, smtp_fails: list[Exception]) -> None:
    smtp_fails.append(smtplib.SMTPRecipientsRefused({"x@example.nl": (550, b"No such user")}))
    mail = _queue(essay)
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == "failed"


def test_an_editor_resends_a_failed_mail(
    essay: EssayPage, editor_client: Client, committed: Any
) -> None:
    mail = _queue(essay)
    OutgoingMail.objects.filter(pk=mail.pk).update(status="failed", attempts=7)
    assert "Uitgaande mail" in editor_client.get("/admin/outgoing_mail/").content.decode()
    with committed():
        editor_client.post(f"/admin/outgoing-mail/{mail.pk}/resend/")
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("queued", 0)
    mail_send(mail_id=mail.pk)
    assert len(django_mail.outbox) == 1


def test_the_sweep_requeues_mail_its_job_left_and_gives_up_on_half_sent_mail(
    essay: EssayPage,
) -> None:
    waiting = _queue(essay)  # its job is in the queue, behind others
    lost = _queue(essay)
    stuck = _queue(essay)
    OutgoingMail.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=3)
    )
    OutgoingMail.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert mail_queue_sweep() == 1
    # Queued again, the mail is due from now: a backlog is not queued again every minute.
    assert mail_queue_sweep() == 0
    lost.refresh_from_db()
    assert timezone.now() - lost.next_attempt_at < timedelta(minutes=1)
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert "may or may not have gone out" in stuck.last_error
    mail_send(mail_id=lost.pk)
    mail_send(mail_id=waiting.pk)
    assert len(django_mail.outbox) == 2


def test_mail_is_signed_with_dkim_when_a_key_is_set(settings: Any, tmp_path: Path) -> None:
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    settings.DKIM_PRIVATE_KEY = key.read_text()
    settings.DKIM_DOMAIN = "essays.example.nl"
    raw = (
        b"From: Voorproef <noreply@essays.example.nl>\r\nTo: lezer@example.nl\r\n"
        b"Subject: Test\r\nDate: Sun, 29 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <1@essays.example.nl>\r\n\r\nHallo.\r\n"
    )
    signed = dkim_sign(raw) + raw
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"voorproef._domainkey.essays.example.nl."
        return record

    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Hallo.", b"Dag."), dnsfunc=dns)


def test_replies_go_to_the_editors_when_no_reply_address_is_set(
    essay: EssayPage, settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    mail = _queue(essay)
    mail_send(mail_id=mail.pk)
    assert django_mail.outbox[0].reply_to == ["redactie@example.nl"]


def test_the_download_mail_invites_replies_only_when_someone_reads_them(
    client: Client, settings: Any
) -> None:
    from tests.downloads.test_gate_form import _post

    _post(client, email="een@example.nl")
    first = written(OutgoingMail.objects.get())  # written when it goes out
    settings.EDITORS_EMAIL = "redactie@example.nl"
    _post(client, email="twee@example.nl")
    second = written(OutgoingMail.objects.latest("pk"))
    assert "Beantwoord deze mail gerust." not in first.body_text
    assert "Beantwoord deze mail gerust." in second.body_text


def test_a_download_mail_is_written_when_it_goes_out_and_keeps_its_text_after_a_failure(
    client: Client, smtp_fails: list[Exception], settings: Any
) -> None:
    from tests.downloads.test_gate_form import _post

    _post(client, name="Lezer", email="lezer@example.nl")
    mail = OutgoingMail.objects.get()
    # The reader's request stored the mail and its link, not its text: the worker writes it.
    assert mail.unwritten and mail.body_text == ""
    assert mail.context is not None and "/download/" in mail.context["link"]
    assert mail.language == "nl"

    smtp_fails.append(ConnectionRefusedError(111, "Connection refused"))
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == "queued" and not mail.unwritten  # written once, then kept
    assert mail.subject == "Je exemplaar van „Nieuw Publiek Werken”"
    assert "Beste Lezer," in mail.body_text
    text = mail.body_text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
    mail_send(mail_id=mail.pk)
    assert django_mail.outbox[0].body == text  # as written at the first attempt


def test_a_download_mail_whose_request_is_gone_fails_for_good_and_sends_nothing(
    client: Client, editor_client: Client
) -> None:
    from tests.downloads.test_gate_form import _post
    from voorproef.downloads.models import DownloadRequest

    _post(client, name="Lezer", email="lezer@example.nl")
    mail = OutgoingMail.objects.get()
    DownloadRequest.objects.all().delete()
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == "failed"
    assert "what it was for is gone" in mail.last_error
    assert not django_mail.outbox
    # The dashboard lists it among the failed mail, named though it has no subject.
    assert "(nooit geschreven)" in editor_client.get("/admin/").content.decode()
    inspect = editor_client.get(f"/admin/outgoing_mail/inspect/{mail.pk}/").content.decode()
    assert "(nooit geschreven)" in inspect
    assert "(wordt geschreven bij verzenden)" not in inspect  # it never will be
