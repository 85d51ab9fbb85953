"""Newsletter unsubscribe, versioned consent texts, the privacy statement, and the editors' side
of data requests."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from tests.support import written
from voorproef.comments.services import comment_approved
from voorproef.downloads.models import Reader
from voorproef.essays.models import EssayPage, HomePage
from voorproef.inbox.models import ReaderMessage
from voorproef.inbox.services import message_create, message_reply
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import (
    Consent,
    ConsentWording,
    DataRequest,
    PrivacyPage,
    PrivacySettings,
)
from voorproef.privacy.services import access_link_send

pytestmark = pytest.mark.django_db


def _request(essay: EssayPage, email: str = "anna@example.nl") -> Any:
    request, _raw = requested(essay, name="Anna", email=email, newsletter=True)
    return request


def test_the_download_mail_carries_a_one_click_unsubscribe(
    client: Client, essay: EssayPage
) -> None:
    _request(essay)
    mail = written(OutgoingMail.objects.get(kind="download"))
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


# Mails to the editors (about a reader, or their own password), not to a reader.
EDITORS_MAILS = {
    "comment-moderate",
    "comment-approved",
    "inbox-new",
    "admin-password-reset",
    "privacy-taken-off",
    "webhook-disabled",
}


def test_every_mail_to_a_reader_links_to_my_data_and_newsletter_mail_unsubscribes(
    essay: EssayPage, editor: Any
) -> None:
    _request(essay)  # the download mail, with the newsletter asked for
    essay.delivery_mode = "confirm"
    _request(essay, "bert@example.nl")  # the mail asking to confirm the address first
    parent = approved(essay, name="Carla", email="carla@example.nl", notify_replies=True)
    comment_approved(
        approved(essay, name="Dirk", email="dirk@example.nl", parent=parent), automatic=False
    )
    message = message_create(
        essay=essay,
        name="Eva",
        email="eva@example.nl",
        organisation="",
        text="Hallo.",
        consent="",
        consent_text="",
        ip_network="",
        user_agent="",
    )
    message_reply(message=message, author=editor, text="Dank je.")
    access_link_send(email="fien@example.nl")

    mails = {
        mail.kind: written(mail) for mail in OutgoingMail.objects.exclude(kind__in=EDITORS_MAILS)
    }
    assert set(mails) == {
        "download",
        "download-confirm",
        "comment-reply",
        "inbox-reply",
        "privacy-access",
    }
    for kind, mail in mails.items():
        assert "http://127.0.0.1:8000/mijn-gegevens/" in mail.body_text, kind
        assert 'href="http://127.0.0.1:8000/mijn-gegevens/' in mail.body_html, kind
    for kind in ("download", "download-confirm", "comment-reply"):  # mail that can be ended
        headers = mails[kind].headers
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", kind
        assert headers["List-Unsubscribe"].strip("<>") in mails[kind].body_text, kind
    # And a kind of mail added later is in one list or the other.
    kinds = {
        path.name.removesuffix("-body.txt")
        for path in Path(settings.BASE_DIR, "voorproef").glob("*/templates/emails/*-body.txt")
    }
    assert kinds == set(mails) | EDITORS_MAILS


def test_a_changed_consent_text_becomes_a_new_version_and_old_consents_keep_theirs(
    essay: EssayPage,
) -> None:
    _request(essay, "a@example.nl")
    _request(essay, "b@example.nl")
    essay.newsletter_text = "Stuur mij nieuws over essays en bijeenkomsten."
    essay.save()
    _request(essay, "c@example.nl")
    versions = {
        c.email: (c.wording.version, c.wording.text) if c.wording else None
        for c in Consent.objects.select_related("wording")
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


def test_a_site_gets_its_privacy_statement_with_its_first_home_page_once(
    client: Client, committed: Any, settings: Any
) -> None:
    settings.RETENTION_NETWORK_DAYS = 14
    settings.RETENTION_UNCONFIRMED_DAYS = 3
    settings.COMMENTS_PURGE_DAYS = 21
    settings.RETENTION_MAIL_DAYS = 60
    for page in PrivacyPage.objects.all():  # a site set up by hand, without the demo
        page.delete()
    PrivacySettings.objects.update(statement_written_at=None)
    home = HomePage.objects.get()
    with committed():
        home.save_revision().publish()

    statement = PrivacyPage.objects.get()
    assert statement.live and statement.get_parent().specific == home
    html = client.get("/privacy/").content.decode()
    for days in (14, 3, 21, 60):  # written from this site's settings
        assert f"na {days} dagen" in html, days
    assert "na 30 dagen" not in html

    statement.delete()  # the editors' decision, which a later publish respects
    with committed():
        home.save_revision().publish()
    assert not PrivacyPage.objects.exists()


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
    assert copy["Content-Disposition"] == 'attachment; filename="gegevens.zip"'
    with zipfile.ZipFile(io.BytesIO(copy.content)) as archive:
        assert sorted(archive.namelist()) == sorted(
            [
                "gegevens.json",
                "aanvragen.csv",
                "toestemmingen.csv",
                "reacties.csv",
                "berichten.csv",
                "mails.csv",
                "doorgestuurd.csv",
            ]
        )
        data = json.loads(archive.read("gegevens.json"))
        sheet = list(csv.DictReader(io.StringIO(archive.read("reacties.csv").decode("utf-8-sig"))))
    assert data["comments"][0]["text"] == "Mijn reactie."
    # In the site's language, whatever the editor's: the reader gets it.
    assert sheet[0]["tekst"] == "Mijn reactie." and sheet[0]["naam"] == "Anna"
    entry = DataRequest.objects.get()
    assert (entry.kind, entry.channel, entry.note) == ("export", "editor", "brief")
    assert entry.handled_by is not None and entry.in_time is True
    assert entry.received_at.date().isoformat() == received

    # The log's note is for how the request came in, never for whom it was.
    named = editor_client.post(
        "/admin/data_requests/answer/",
        {**form, "note": "mail van anna@example.nl", "action": "export"},
    )
    assert named.status_code == 400 and "geen adressen" in named.content.decode()
    assert DataRequest.objects.count() == 1


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


def test_a_changed_publication_text_is_a_new_version_and_each_message_keeps_its_own(
    essay: EssayPage,
) -> None:
    texts = ["Jullie mogen mijn ervaring publiceren: met mijn naam"] * 2 + [
        "Jullie mogen mijn ervaring op deze pagina publiceren: met mijn naam"
    ]
    for n, text in enumerate(texts):
        message_create(
            essay=essay,
            name="Eva",
            email=f"eva{n}@example.nl",
            organisation="",
            text="Hallo.",
            consent=ReaderMessage.Consent.WITH_NAME,
            consent_text=text,
            ip_network="",
            user_agent="",
        )
    versions = list(
        ReaderMessage.objects.filter(consents__purpose=Consent.Purpose.PUBLICATION)
        .order_by("pk")
        .values_list("consents__wording__version", "consents__wording__text")
    )
    assert versions == [(1, texts[0]), (1, texts[0]), (2, texts[2])]
