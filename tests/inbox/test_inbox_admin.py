"""The editors' side: the inbox, replies, publishing with consent, withdrawal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.support import export_rows
from voorproef.essays.models import EssayPage
from voorproef.inbox import services
from voorproef.inbox.models import MessageReply, ReaderMessage
from voorproef.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

ESSAY = "/nieuw-publiek-werken/"


def _message(essay: EssayPage, **fields: Any) -> ReaderMessage:
    values: dict[str, Any] = {
        "name": "Sanne Visser",
        "email": "sanne@example.nl",
        "organisation": "Gemeente Tilburg",
        "text": "Bij ons ging het net zo.\n\nDe raad stuurde op alles.",
        "consent": "",
        "consent_text": "",
        "ip_network": "127.0.0.0",
        "user_agent": "",
        **fields,
    }
    return services.message_create(essay=essay, **values)


def _publish(editor_client: Client, message: ReaderMessage, **fields: Any) -> Any:
    data = {
        "published": "on",
        "public_title": "",
        "public_text": message.text,
        "public_order": "0",
        **fields,
    }
    return editor_client.post(f"/admin/inbox/edit/{message.pk}/", data)


def test_the_inbox_lists_filters_searches_and_exports(
    editor_client: Client, essay: EssayPage
) -> None:
    _message(essay, name="Sanne Visser")
    other = _message(essay, name="Joost Bakker", email="joost@example.nl", text="Herkenbaar.")
    services.message_archive(message=other)

    listing = editor_client.get("/admin/inbox/").content.decode()
    assert "Sanne Visser" in listing and "Joost Bakker" in listing
    new_only = editor_client.get("/admin/inbox/?status=new").content.decode()
    assert "Sanne Visser" in new_only and "Joost Bakker" not in new_only
    assert "Joost Bakker" in editor_client.get(f"/admin/inbox/?essay={essay.pk}").content.decode()
    found = editor_client.get("/admin/inbox/?q=raad").content.decode()
    assert "Sanne Visser" in found and "Joost Bakker" not in found

    export = editor_client.get("/admin/inbox/?export=csv")
    header, *values = export_rows(export)
    rows = [dict(zip(header, row, strict=True)) for row in values]
    assert {row["Naam"] for row in rows} == {"Sanne Visser", "Joost Bakker"}
    assert any("De raad stuurde op alles." in row["Ervaring"] for row in rows)


def test_the_dashboard_counts_unread_messages_and_opening_one_marks_it_read(
    editor_client: Client, essay: EssayPage
) -> None:
    message = _message(essay)
    _message(essay, email="joost@example.nl")
    assert "2 nieuwe berichten van lezers" in editor_client.get("/admin/").content.decode()

    page = editor_client.get(f"/admin/inbox/inspect/{message.pk}/").content.decode()
    assert "De raad stuurde op alles." in page
    message.refresh_from_db()
    assert message.status == "read" and message.read_at is not None
    assert "1 nieuw bericht van lezers" in editor_client.get("/admin/").content.decode()


def test_a_reply_goes_to_the_reader_once_with_their_text_quoted(
    editor_client: Client, essay: EssayPage, settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    message = _message(essay)
    url = f"/admin/inbox/inspect/{message.pk}/"
    data = {"action": "reply", "text": "Dank je, Sanne.\r\nMogen we je bellen?"}
    assert editor_client.post(url, data).status_code == 302
    assert editor_client.post(url, data).status_code == 302  # a double click

    (reply,) = MessageReply.objects.all()
    mail = reply.mail
    assert mail is not None
    assert OutgoingMail.objects.filter(kind="inbox-reply").count() == 1
    assert mail.to == "sanne@example.nl"
    assert mail.reply_to == "redactie@example.nl"
    assert mail.subject == "Re: je ervaring bij „Nieuw Publiek Werken”"
    assert mail.body_text.startswith("Dank je, Sanne.\nMogen we je bellen?")
    assert "> Bij ons ging het net zo.\n>\n> De raad stuurde op alles." in mail.body_text
    assert "intrekken" not in mail.body_text  # no consent, nothing to withdraw
    message.refresh_from_db()
    assert message.status == "answered"

    thread = editor_client.get(url).content.decode()
    assert "Dank je, Sanne." in thread and "antwoordde op" in thread


def test_an_empty_reply_is_refused_in_the_admin(editor_client: Client, essay: EssayPage) -> None:
    message = _message(essay)
    response = editor_client.post(
        f"/admin/inbox/inspect/{message.pk}/", {"action": "reply", "text": "  "}
    )
    assert response.status_code == 400
    assert "Schrijf eerst een antwoord." in response.content.decode()
    assert not MessageReply.objects.exists()


def test_archiving_and_restoring(editor_client: Client, essay: EssayPage) -> None:
    message = _message(essay)
    url = f"/admin/inbox/inspect/{message.pk}/"
    editor_client.post(url, {"action": "archive"})
    message.refresh_from_db()
    assert message.status == "archived"
    editor_client.post(url, {"action": "restore"})
    message.refresh_from_db()
    assert message.status == "read"


def test_a_message_without_consent_cannot_be_published(
    editor_client: Client, essay: EssayPage, client: Client
) -> None:
    message = _message(essay)
    _publish(editor_client, message)
    message.refresh_from_db()
    assert not message.published
    assert "Bij ons ging het net zo." not in client.get(ESSAY).content.decode()


def test_published_with_the_name_shows_name_and_role(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    message = _message(essay, consent="name", consent_text="…: met mijn naam")
    client.get(ESSAY)  # now in the cache
    with committed():
        response = _publish(
            editor_client, message, public_title="De raad stuurt", public_text="De raad stuurde."
        )
    assert response.status_code == 302
    html = client.get(ESSAY).content.decode()
    section = html[html.index("Ervaringen van lezers") :]
    assert "De raad stuurt" in section and "De raad stuurde." in section
    assert "Sanne Visser, Gemeente Tilburg" in section
    assert "Bij ons ging het net zo." not in section  # the editor's version, not the original


def test_published_without_the_name_shows_neither_name_nor_role_nor_address(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    message = _message(essay, consent="anonymous", consent_text="…: zonder mijn naam")
    with committed():
        _publish(editor_client, message)
    html = client.get(ESSAY).content.decode()
    section = html[html.index("Ervaringen van lezers") :]
    assert "De raad stuurde op alles." in section
    assert "Een lezer" in section
    for private in ("Sanne", "Visser", "Tilburg", "sanne@example.nl"):
        assert private not in html


def test_published_experiences_follow_the_editors_order(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    first = _message(essay, consent="name", text="Eerste ervaring.")
    second = _message(essay, consent="name", text="Tweede ervaring.", email="b@example.nl")
    with committed():
        _publish(editor_client, first, public_text="Eerste ervaring.", public_order="2")
        _publish(editor_client, second, public_text="Tweede ervaring.", public_order="1")
    html = client.get(ESSAY).content.decode()
    assert html.index("Tweede ervaring.") < html.index("Eerste ervaring.")


def test_unpublishing_takes_it_off_the_cached_page_at_once(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    message = _message(essay, consent="name")
    with committed():
        _publish(editor_client, message)
    assert "De raad stuurde op alles." in client.get(ESSAY).content.decode()
    assert client.get(ESSAY)["X-Cache"] == "HIT"
    with committed():
        _publish(editor_client, message, published="")
    response = client.get(ESSAY)
    assert response["X-Cache"] == "MISS"
    assert "De raad stuurde op alles." not in response.content.decode()


def test_the_withdraw_link_in_the_reply_takes_the_experience_off_the_page(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    message = _message(essay, consent="name", consent_text="…: met mijn naam")
    with committed():
        _publish(editor_client, message)
    editor_client.post(
        f"/admin/inbox/inspect/{message.pk}/", {"action": "reply", "text": "Dank je!"}
    )
    body = OutgoingMail.objects.get(kind="inbox-reply").body_text
    link = re.search(r"http://127\.0\.0\.1:8000(/ervaring/intrekken/\S+/)", body)
    assert link, body

    shown = client.get(link.group(1))  # a mail scanner opening it changes nothing
    assert "Mijn toestemming intrekken" in shown.content.decode()
    message.refresh_from_db()
    assert message.published

    with committed():
        withdrawn = client.post(link.group(1), headers={"Sec-Fetch-Site": "same-origin"})
    assert withdrawn.status_code == 302
    message.refresh_from_db()
    assert not message.published and message.consent == ""
    assert message.consent_withdrawn_at is not None
    assert "De raad stuurde op alles." not in client.get(ESSAY).content.decode()
    assert "wordt niet gepubliceerd" in client.get(link.group(1)).content.decode()
    # Publishing again is no longer possible.
    _publish(editor_client, message)
    message.refresh_from_db()
    assert not message.published


def test_a_forged_withdraw_link_is_not_found(client: Client) -> None:
    assert client.get("/ervaring/intrekken/1:forged/").status_code == 404


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_stays_inert_on_the_page_and_in_the_admin(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    message = _message(essay, name=HOSTILE, organisation=HOSTILE, text=HOSTILE, consent="name")
    with committed():
        _publish(editor_client, message, public_title=HOSTILE, public_text=HOSTILE)
    for html in (
        client.get(ESSAY).content.decode(),
        editor_client.get(f"/admin/inbox/inspect/{message.pk}/").content.decode(),
        editor_client.get("/admin/inbox/").content.decode(),
    ):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_the_database_refuses_a_publication_without_consent(essay: EssayPage) -> None:
    from django.db import IntegrityError, transaction

    message = _message(essay)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReaderMessage.objects.filter(pk=message.pk).update(published=True)


def test_no_mail_goes_to_the_reader_when_they_send_a_message(
    client: Client, essay: EssayPage, settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    _message(essay)
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["redactie@example.nl"]


def test_editors_cannot_add_messages_mail_or_requests_by_hand(editor_client: Client) -> None:
    for url in ("/admin/inbox/", "/admin/outgoing_mail/", "/admin/download_requests/"):
        assert editor_client.get(url + "new/").status_code != 200, url


def test_a_reply_is_signed_by_the_editor_not_by_the_site(
    editor_client: Client, essay: EssayPage, editor: Any
) -> None:
    message = _message(essay)
    page = editor_client.get(f"/admin/inbox/inspect/{message.pk}/").content.decode()
    assert "Onderteken zelf" in page
    assert "Je account heeft nog geen naam" in page  # the account "editor" has none
    editor_client.post(
        f"/admin/inbox/inspect/{message.pk}/",
        {"action": "reply", "text": "Dank je wel!\n\nAnne de Vries, redactie"},
    )
    body = OutgoingMail.objects.get(kind="inbox-reply").body_text
    assert body.startswith("Dank je wel!\n\nAnne de Vries, redactie\n")
    assert "— Voorproef" not in body
    editor.first_name, editor.last_name = "Anne", "de Vries"
    editor.save()
    page = editor_client.get(f"/admin/inbox/inspect/{message.pk}/").content.decode()
    assert "Anne de Vries antwoordde op" in page
    assert "Je account heeft nog geen naam" not in page
