"""Nothing personal is kept longer than the README says."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.support import form_token, written
from voorproef.comments.models import Comment
from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import AccessLink, Consent
from voorproef.privacy.services import retention_purge

pytestmark = pytest.mark.django_db

FORM = "/nieuw-publiek-werken/download/"


def _request(client: Client, email: str, **fields: str) -> DownloadRequest:
    client.post(
        FORM,
        {"name": "Anna", "email": email, "form_token": form_token(), **fields},
        headers={"Sec-Fetch-Site": "same-origin", "User-Agent": "Firefox/140"},
    )
    return DownloadRequest.objects.get(reader__email=email)


def _age(model: Any, pk: int, days: int, field: str = "created_at") -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_networks_and_browsers_are_cleared_after_thirty_days(
    client: Client, essay: EssayPage
) -> None:
    old = _request(client, "oud@example.nl")
    new = _request(client, "nieuw@example.nl")
    comment = Comment.objects.create(
        essay=essay,
        name="A",
        email="a@example.nl",
        text="x",
        ip_network="192.0.2.0",
        user_agent="Firefox/140",
    )
    message = ReaderMessage.objects.create(
        essay=essay,
        name="B",
        email="b@example.nl",
        text="y",
        ip_network="192.0.2.0",
        user_agent="Firefox/140",
    )
    for model, pk in (
        (DownloadRequest, old.pk),
        (Comment, comment.pk),
        (ReaderMessage, message.pk),
    ):
        _age(model, pk, 31)

    assert retention_purge()["networks_cleared"] == 3
    for row in (old, comment, message):
        row.refresh_from_db()
        assert row.ip_network == "" and row.user_agent == ""
    new.refresh_from_db()
    assert new.ip_network == "127.0.0.0" and new.user_agent == "Firefox/140"


def test_unconfirmed_double_opt_in_requests_go_after_seven_days(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    essay.delivery_mode = "confirm"
    publish(essay)
    waiting = _request(client, "wacht@example.nl", newsletter="on")
    confirmed = _request(client, "bevestigd@example.nl")
    DownloadRequest.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now())
    fresh = _request(client, "vers@example.nl")
    for pk in (waiting.pk, confirmed.pk):
        _age(DownloadRequest, pk, 8)

    assert Consent.objects.filter(email="wacht@example.nl").exists()
    assert OutgoingMail.objects.filter(to="wacht@example.nl").exists()

    assert retention_purge()["unconfirmed_deleted"] == 2  # the request and its consent
    remaining = set(DownloadRequest.objects.values_list("pk", flat=True))
    assert remaining == {confirmed.pk, fresh.pk}
    # Nothing of the reader who never clicked is left: name, address, consent, mail.
    assert not Reader.objects.filter(email="wacht@example.nl").exists()
    assert not Consent.objects.filter(email="wacht@example.nl").exists()
    assert not OutgoingMail.objects.filter(to="wacht@example.nl").exists()
    assert Reader.objects.filter(email="vers@example.nl").exists()


def test_a_newsletter_consent_never_confirmed_goes_after_seven_days_and_the_download_stays(
    client: Client, essay: EssayPage
) -> None:
    request = _request(client, "direct@example.nl", newsletter="on")
    kept = _request(client, "ja@example.nl", newsletter="on")
    Consent.objects.filter(email="ja@example.nl").update(confirmed_at=timezone.now())
    for consent in Consent.objects.all():
        _age(Consent, consent.pk, 8, field="given_at")

    body = written(OutgoingMail.objects.get(to="direct@example.nl")).body_text
    confirm = re.search(r"https?://[^/\s]+(/nieuwsbrief/bevestigen/[\w-]+/)", body)
    assert confirm and client.get(confirm.group(1)).status_code == 200

    assert retention_purge()["unconfirmed_deleted"] == 1
    assert not Consent.objects.filter(email="direct@example.nl").exists()
    assert DownloadRequest.objects.filter(pk=request.pk).exists()
    assert client.get(confirm.group(1)).status_code == 404  # it would confirm nothing
    assert Consent.objects.filter(email="ja@example.nl").count() == 1
    assert DownloadRequest.objects.filter(pk=kept.pk).exists()


def test_old_mail_keeps_its_row_but_not_what_it_said(client: Client) -> None:
    _request(client, "anna@example.nl", newsletter="on")
    mail = OutgoingMail.objects.get()
    assert "List-Unsubscribe" in mail.headers  # her personal unsubscribe link
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status="sent",
        sent_at=timezone.now(),
        last_error="SMTPRecipientsRefused: {'anna@example.nl': (452, b'mailbox full')}",
    )
    _age(OutgoingMail, mail.pk, 91)

    assert retention_purge()["mail_bodies_cleared"] == 1
    mail.refresh_from_db()
    assert mail.body_text == "" and mail.body_html == "" and mail.attachments == []
    assert mail.headers == {} and mail.last_error == ""
    assert mail.status == "sent" and mail.to == "anna@example.nl" and mail.sent_at
    assert mail.subject == ""  # "Je exemplaar van …" says which essay she read
    assert retention_purge()["mail_bodies_cleared"] == 0  # nothing left to clear


def test_a_personal_link_stops_working_a_month_after_it_expired(client: Client) -> None:
    response = client.post(
        FORM,
        {"name": "Anna", "email": "anna@example.nl", "form_token": form_token()},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    link = response["Location"].split("?")[0]
    request = DownloadRequest.objects.get()
    _age(DownloadRequest, request.pk, 90)  # asked for long ago
    _age(DownloadRequest, request.pk, 10, field="expires_at")
    retention_purge()
    assert client.get(link).status_code == 410  # expired: offers a fresh link

    _age(DownloadRequest, request.pk, 31, field="expires_at")
    assert retention_purge()["expired_links_invalidated"] == 1
    assert client.get(link).status_code == 404
    assert retention_purge()["expired_links_invalidated"] == 0  # once is enough


def test_the_purge_command_says_what_it_did(essay: EssayPage) -> None:
    comment = Comment.objects.create(
        essay=essay, name="A", email="a@example.nl", text="x", status=Comment.Status.SPAM
    )
    _age(Comment, comment.pk, 31, field="status_changed_at")
    out = StringIO()
    call_command("purge", stdout=out)
    assert "spam and trash deleted: 1" in out.getvalue()
    assert "networks cleared: 0" in out.getvalue()


def test_a_my_data_link_and_its_mail_go_once_the_link_is_dead(client: Client) -> None:
    client.post(
        "/mijn-gegevens/",
        {"email": "nobody@example.nl", "form_token": form_token()},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    mail = OutgoingMail.objects.get(kind="privacy-access")
    OutgoingMail.objects.filter(pk=mail.pk).update(status="sent", sent_at=timezone.now())
    assert retention_purge()["access_mails_deleted"] == 0  # the link still works

    AccessLink.objects.update(
        created_at=timezone.now() - timedelta(hours=25),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    _age(OutgoingMail, mail.pk, 2)
    done = retention_purge()
    assert done["access_links_deleted"] == 1 and done["access_mails_deleted"] == 1
    assert not OutgoingMail.objects.filter(to="nobody@example.nl").exists()
