"""Newsletter unsubscribe, versioned consent texts, the privacy statement, and the editors' side
of data requests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.comments.helpers import approved
from voorproef.downloads.models import Consent, Reader
from voorproef.downloads.services import download_request_create
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import ConsentWording, DataRequest

pytestmark = pytest.mark.django_db


def _request(essay: EssayPage, email: str = "anna@example.nl") -> Any:
    request, _raw = download_request_create(
        essay=essay, name="Anna", email=email, newsletter=True, ip_network="", user_agent=""
    )
    return request


def test_the_download_mail_carries_a_one_click_unsubscribe(
    client: Client, essay: EssayPage
) -> None:
    _request(essay)
    mail = OutgoingMail.objects.get(kind="download")
    link = mail.headers["List-Unsubscribe"].strip("<>")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.body_text and link in mail.body_html
    assert "anna" not in link  # the consent's number, signed; not the address
    path = link.removeprefix("http://127.0.0.1:8000")

    assert "Afmelden" in client.get(path).content.decode()  # a mail scanner's GET does nothing
    assert Consent.objects.get().withdrawn_at is None
    # What a mail program sends (RFC 8058): a POST with no browser headers and no login.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Je bent afgemeld" in response.content.decode()
    assert Consent.objects.get().withdrawn_at is not None
    assert client.post(path).status_code == 200  # twice is harmless
    assert client.post(path[:-3] + "abc/").status_code == 404


def test_every_mail_to_a_reader_links_to_my_data(essay: EssayPage) -> None:
    _request(essay)
    mail = OutgoingMail.objects.get(kind="download")
    assert "http://127.0.0.1:8000/mijn-gegevens/" in mail.body_text
    assert 'href="http://127.0.0.1:8000/mijn-gegevens/"' in mail.body_html


def test_a_changed_consent_text_becomes_a_new_version_and_old_consents_keep_theirs(
    essay: EssayPage,
) -> None:
    _request(essay, "a@example.nl")
    _request(essay, "b@example.nl")
    essay.newsletter_text = "Stuur mij nieuws over essays en bijeenkomsten."
    essay.save()
    _request(essay, "c@example.nl")
    versions = {
        c.reader.email: (c.wording.version, c.wording.text) if c.wording else None
        for c in Consent.objects.select_related("reader", "wording")
    }
    assert versions["a@example.nl"] == versions["b@example.nl"]
    assert versions["a@example.nl"] == (1, "Houd mij per mail op de hoogte van nieuwe essays.")
    assert versions["c@example.nl"] == (2, "Stuur mij nieuws over essays en bijeenkomsten.")
    assert ConsentWording.objects.count() == 2


def test_the_privacy_statement_says_what_is_kept_and_for_how_long(client: Client) -> None:
    response = client.get("/privacy/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "<h1>Privacyverklaring</h1>" in html
    assert "na 30 dagen" in html and "na 7 dagen" in html and "na 90 dagen" in html
    assert 'href="/mijn-gegevens/"' in html
    assert "Autoriteit Persoonsgegevens" in html
    # Linked from the forms that ask for personal data.
    essay_page = client.get("/nieuw-publiek-werken/").content.decode()
    assert essay_page.count('href="/privacy/"') >= 2


def test_an_editor_hands_over_a_copy_for_a_request_that_came_by_post(
    editor_client: Client, essay: EssayPage
) -> None:
    _request(essay)
    approved(essay, email="anna@example.nl", name="Anna", text="Mijn reactie.")
    received = (timezone.localdate() - timedelta(days=10)).isoformat()
    form = {"email": "Anna@Example.nl", "received_on": received, "note": "brief"}

    found = editor_client.post("/admin/data_requests/answer/", {**form, "action": "lookup"})
    html = found.content.decode()
    assert found.status_code == 200
    assert "1 aanvraag voor een essay" in html and "1 reactie" in html

    copy = editor_client.post("/admin/data_requests/answer/", {**form, "action": "export"})
    data = json.loads(copy.content)
    assert data["comments"][0]["text"] == "Mijn reactie."
    entry = DataRequest.objects.get()
    assert (entry.kind, entry.channel, entry.note) == ("export", "editor", "brief")
    assert entry.handled_by is not None and entry.in_time is True
    assert entry.received_at.date().isoformat() == received


def test_an_editor_erases_an_address_and_the_log_shows_it_was_in_time(
    editor_client: Client, essay: EssayPage
) -> None:
    _request(essay)
    received = (timezone.localdate() - timedelta(days=40)).isoformat()
    form = {"email": "anna@example.nl", "received_on": received, "action": "erase"}
    refused = editor_client.post("/admin/data_requests/answer/", form)
    assert refused.status_code == 400 and Reader.objects.exists()

    response = editor_client.post("/admin/data_requests/answer/", {**form, "confirm": "on"})
    assert response.status_code == 302 and not Reader.objects.exists()
    entry = DataRequest.objects.get()
    assert entry.kind == "erasure" and entry.in_time is False  # forty days: too late
    log = editor_client.get("/admin/data_requests/").content.decode()
    assert "te laat" in log and "wissen" in log and "door een redacteur" in log
    assert "anna" not in log


def test_the_log_and_the_answer_view_are_for_editors_with_the_right(
    client: Client, essay: EssayPage
) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("guest", password="pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/data_requests/answer/").status_code == 403
    assert client.get("/admin/data_requests/").status_code in {302, 403}
    assert client.get("/admin/data_requests/add/").status_code in {302, 403, 404}
