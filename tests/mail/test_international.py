"""Addresses with letters beyond ASCII before the @, from the form to the mail server: sent in
UTF-8 (SMTPUTF8) where the server announces it, refused at the form where it does not, and a
mail that cannot go out is failed at once with its reason, never left "sending"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.support import Inbox, form_token, free_port, mail_text
from voorproef.downloads.models import DownloadRequest
from voorproef.essays.models import EssayPage
from voorproef.mail import services as mail_services
from voorproef.mail.models import OutgoingMail
from voorproef.mail.services import mail_queue, mail_send

pytestmark = pytest.mark.django_db

RUSSIAN = "чебурашкаящик-с-апельсинами.рф@example.tld"
HEBREW = "אבגדהוזחטיכלמנסעפצקרשתאבגדהוזחטיכלמנסעפצקרשת@example.tld"  # long: used to be folded
GREEK = "αβγ@example.tld"  # short: used to go out as =?utf-8?b?…?=@example.tld


@pytest.fixture
def smtp(settings: Any) -> Iterator[Any]:
    """Point the site at a real SMTP server; `smtp(smtputf8=…)` starts it."""
    inboxes: list[Inbox] = []

    def start(*, smtputf8: bool) -> Inbox:
        port = free_port()
        settings.EMAIL_BACKEND = "voorproef.mail.backends.SMTPBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        inbox = Inbox(port, smtputf8=smtputf8).__enter__()
        inboxes.append(inbox)
        return inbox

    yield start
    for inbox in inboxes:
        inbox.__exit__()


def _download_mail(essay: EssayPage, to: str, **extra: Any) -> OutgoingMail:
    return mail_queue(
        kind="download",
        to=to,
        context={
            "name": "Зоя",
            "essay": essay,
            "link": "http://127.0.0.1:8000/x/",
            "expires_at": timezone.now(),
            "attached": False,
            "newsletter_link": "",
        },
        **extra,
    )


@pytest.mark.parametrize("address", [RUSSIAN, HEBREW, GREEK])
def test_an_international_address_gets_its_mail_in_utf8(
    essay: EssayPage, smtp: Any, address: str
) -> None:
    inbox = smtp(smtputf8=True)
    mail = _download_mail(essay, address)
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.last_error) == ("sent", "")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == [address]
    assert "SMTPUTF8" in envelope.mail_options
    [received] = inbox.messages
    assert str(received["To"]) == address
    assert "=?" not in envelope.content.decode().split("\r\n\r\n")[0].split("To:")[1][:200]
    assert "Beste Зоя," in mail_text(received)


def test_without_smtputf8_such_a_mail_fails_at_once_with_the_reason(
    essay: EssayPage, smtp: Any
) -> None:
    inbox = smtp(smtputf8=False)
    mail = _download_mail(essay, RUSSIAN)
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("failed", 1)
    assert "SMTPUTF8" in mail.last_error
    assert inbox.messages == []


def test_the_editors_hear_of_a_reader_whose_address_their_server_cannot_reply_to(
    essay: EssayPage, smtp: Any
) -> None:
    inbox = smtp(smtputf8=False)
    mail = _download_mail(essay, "redactie@example.nl", reply_to=RUSSIAN)
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == "sent"
    [received] = inbox.messages
    assert received["Reply-To"] is None


def test_with_smtputf8_the_editors_can_reply_to_that_reader(essay: EssayPage, smtp: Any) -> None:
    inbox = smtp(smtputf8=True)
    mail = _download_mail(essay, "redactie@example.nl", reply_to=RUSSIAN)
    mail_send(mail_id=mail.pk)
    [received] = inbox.messages
    assert str(received["Reply-To"]) == RUSSIAN


def _post_download(email: str) -> Any:
    return Client().post(
        "/nieuw-publiek-werken/download/",
        {"name": "Зоя", "email": email, "form_token": form_token(), "homepage": ""},
    )


def test_the_form_refuses_such_an_address_when_the_server_cannot_deliver_it(smtp: Any) -> None:
    smtp(smtputf8=False)
    response = _post_download(RUSSIAN)
    assert response.status_code == 400
    assert "Onze mailserver kan niet bezorgen" in response.content.decode()
    assert not DownloadRequest.objects.exists()
    # An address with ASCII before the @ and letters after it is punycode to the server.
    assert _post_download("zoya@bücher.example").status_code == 302


def test_the_form_takes_such_an_address_when_the_server_can(smtp: Any) -> None:
    smtp(smtputf8=True)
    assert _post_download(RUSSIAN).status_code == 302
    assert DownloadRequest.objects.get().reader.email == RUSSIAN


def test_a_server_that_does_not_answer_does_not_keep_the_reader_out(settings: Any) -> None:
    settings.EMAIL_BACKEND = "voorproef.mail.backends.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    assert _post_download(RUSSIAN).status_code == 302
    assert cache.get("mailserver:smtputf8") == "unknown"


def test_a_mail_that_cannot_be_built_fails_at_once_with_its_reason(
    essay: EssayPage, editor_client: Client, monkeypatch: Any
) -> None:
    def broken(mail: OutgoingMail) -> Any:
        raise ValueError("the stored PDF is damaged")

    monkeypatch.setitem(mail_services.ATTACHMENT_BUILDERS, "broken", broken)
    mail = _download_mail(essay, "lezer@example.nl", attachments=[{"builder": "broken"}])
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.last_error) == ("failed", "ValueError: the stored PDF is damaged")
    dashboard = editor_client.get("/admin/").content.decode()
    assert "1 mail is niet verstuurd" in dashboard
    assert "the stored PDF is damaged" in dashboard


def test_a_sender_name_with_accents_needs_no_smtputf8(
    essay: EssayPage, smtp: Any, settings: Any
) -> None:
    inbox = smtp(smtputf8=False)
    settings.DEFAULT_FROM_EMAIL = "Café Zoë <post@example.nl>"
    mail = _download_mail(essay, "lezer@example.nl", reply_to="Redactie Zoë <redactie@example.nl>")
    mail_send(mail_id=mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.last_error) == ("sent", "")
    [received] = inbox.messages
    assert received["From"].addresses[0].display_name == "Café Zoë"
    assert received["Reply-To"].addresses[0].username == "redactie"
