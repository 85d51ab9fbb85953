"""The experience form on the essay: what a reader sends, and what is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.support import form_token
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

FORM = "/nieuw-publiek-werken/bericht/"
TEXT = "In onze gemeente zagen we precies dit.\r\n\r\nDe raad wilde alles tegelijk."


def _post(
    client: Client, *, age: float = 10, headers: dict[str, str] | None = None, **fields: Any
) -> Any:
    data = {
        "name": "Sanne Visser",
        "email": "Sanne@Example.nl",
        "organisation": "",
        "text": TEXT,
        "form_token": form_token(age),
        "homepage": "",
        **fields,
    }
    return client.post(FORM, data, headers={"Sec-Fetch-Site": "same-origin", **(headers or {})})


def test_the_essay_invites_experiences_apart_from_the_download(client: Client) -> None:
    html = client.get("/nieuw-publiek-werken/").content.decode()
    section = html[html.index('id="ervaring"') :]
    assert "Wij zijn benieuwd naar jullie ervaringen, stuur ons gerust een bericht." in section
    assert 'name="text"' in section and 'id="message_text"' in section
    assert 'id="message_name"' in section and 'id="id_name"' in html  # no clashing ids
    assert "Jullie mogen mijn ervaring op deze pagina publiceren" in section
    assert "met mijn naam" in section and "zonder mijn naam" in section
    assert not re.search(r'name="publish"[^>]*checked', section)  # never ticked for them
    # Once the box is ticked, the choice that gives away least is the one made.
    assert re.search(r'name="publish_as"[^>]*value="anonymous"[^>]*checked', section)
    assert not re.search(r'name="publish_as"[^>]*value="name"[^>]*checked', section)
    assert "Organisatie of rol" in section and "(optioneel)" in section


def test_a_reader_sends_an_experience_and_sees_the_thank_you_page(client: Client) -> None:
    response = _post(client, organisation="  Griffier,   gemeente   Tilburg ")
    assert response.status_code == 302
    assert response["Location"] == "/nieuw-publiek-werken/bericht/verstuurd/"
    thanks = client.get(response["Location"])
    assert "Bedankt voor je bericht" in thanks.content.decode()
    assert 'href="/nieuw-publiek-werken/"' in thanks.content.decode()

    message = ReaderMessage.objects.get()
    assert message.email == "sanne@example.nl"
    assert message.organisation == "Griffier, gemeente Tilburg"
    assert message.text == TEXT.replace("\r\n", "\n")
    assert message.status == "new"
    assert message.consent == "" and message.consent_text == ""
    assert message.ip_network == "127.0.0.0"


def test_the_editors_are_mailed_with_the_reader_as_reply_to_and_the_reader_is_not(
    client: Client, settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    _post(client)
    (mail,) = OutgoingMail.objects.all()
    assert mail.to == "redactie@example.nl"
    assert mail.reply_to == "sanne@example.nl"
    assert mail.kind == "inbox-new"
    assert "Sanne Visser" in mail.subject and "Nieuw Publiek Werken" in mail.subject
    assert "De raad wilde alles tegelijk." in mail.body_text
    message = ReaderMessage.objects.get()
    assert f"/admin/inbox/inspect/{message.pk}/" in mail.body_text
    assert "Niet publiceren." in mail.body_text


def test_the_site_settings_address_overrides_the_editors_setting(
    client: Client, settings: Any
) -> None:
    from voorproef.core.models import SiteSettings

    settings.EDITORS_EMAIL = "redactie@example.nl"
    site = SiteSettings.load()
    site.editors_email = "auteurs@example.nl"
    site.save()
    _post(client)
    assert OutgoingMail.objects.get().to == "auteurs@example.nl"


def test_without_an_editors_address_the_message_is_kept_for_the_admin(
    client: Client, settings: Any
) -> None:
    settings.EDITORS_EMAIL = ""
    assert _post(client).status_code == 302
    assert ReaderMessage.objects.get().mail is None
    assert not OutgoingMail.objects.exists()


@pytest.mark.parametrize(
    ("choice", "label"),
    [("name", "met mijn naam"), ("anonymous", "zonder mijn naam")],
)
def test_consent_is_recorded_with_the_words_the_reader_saw(
    client: Client, choice: str, label: str
) -> None:
    _post(client, publish="on", publish_as=choice)
    message = ReaderMessage.objects.get()
    assert message.consent == choice
    assert message.consent_text == f"Jullie mogen mijn ervaring op deze pagina publiceren: {label}"


def test_a_name_choice_without_the_box_ticked_is_no_consent(client: Client) -> None:
    _post(client, publish_as="name")
    assert ReaderMessage.objects.get().consent == ""


def test_ticking_the_box_asks_with_or_without_the_name(client: Client) -> None:
    response = _post(client, publish="on")
    assert response.status_code == 400
    assert "Kies of we je naam mogen noemen." in response.content.decode()
    assert not ReaderMessage.objects.exists()


def test_five_thousand_characters_fit_with_line_breaks_counted_once(client: Client) -> None:
    text = ("a" * 98 + "\r\n") * 50  # 99 characters a line as the browser counts: 4950
    assert _post(client, text=text).status_code == 302
    assert len(ReaderMessage.objects.get().text) == 4949  # the last newline is trimmed


def test_a_longer_text_is_refused_and_kept_for_the_reader(client: Client) -> None:
    text = "Mijn ervaring. " * 400  # 6000 characters
    response = _post(client, text=text)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Je ervaring mag hoogstens 5000 tekens lang zijn; nu is het 5999." in html
    assert "Mijn ervaring. Mijn ervaring." in html
    assert 'value="Sanne Visser"' in html
    assert not ReaderMessage.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, "Vul je naam in."),
        ({"email": "sanne@"}, "Dit is geen geldig e-mailadres."),
        ({"text": "   "}, "Schrijf je ervaring op."),
        ({"text": "Hallo\x00daar"}, "Je tekst bevat tekens die niet zijn toegestaan."),
        ({"text": "Hallo\x1bdaar"}, "Je tekst bevat tekens die niet zijn toegestaan."),
        ({"organisation": "x" * 201}, "Dit mag hoogstens 200 tekens lang zijn."),
        ({"publish": "on", "publish_as": "everyone"}, "Kies met of zonder je naam."),
    ],
)
def test_bad_input_gets_the_form_again_with_a_clear_message(
    client: Client, fields: dict[str, Any], error: str
) -> None:
    response = _post(client, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert "Je bericht is nog niet verstuurd." in html
    assert not ReaderMessage.objects.exists()


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"age": 0.5}, 400),
        ({"age": 2 * 86400}, 400),
        ({"form_token": "tampered"}, 400),
        ({"homepage": "http://spam.example"}, 400),
        ({"headers": {"Sec-Fetch-Site": "cross-site"}}, 403),
    ],
)
def test_a_post_that_fails_a_guard_is_refused_and_the_text_kept(
    client: Client, change: dict[str, Any], status: int
) -> None:
    response = _post(client, **change)
    assert response.status_code == status
    assert "De raad wilde alles tegelijk." in response.content.decode()
    assert not ReaderMessage.objects.exists()


def test_too_many_messages_from_one_connection_are_refused(client: Client, settings: Any) -> None:
    settings.FORM_POSTS_PER_IP_PER_HOUR = 2
    statuses = [_post(client, email=f"lezer{n}@example.nl").status_code for n in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert ReaderMessage.objects.count() == 2


def test_too_many_messages_for_one_address_are_refused(client: Client, settings: Any) -> None:
    settings.FORM_POSTS_PER_EMAIL_PER_HOUR = 2
    statuses = [_post(client).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert "Te veel aanvragen voor dit adres." in _post(client).content.decode()


def test_an_essay_without_messages_shows_no_form_and_takes_none(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    essay.messages_enabled = False
    publish(essay)
    assert 'id="ervaring"' not in client.get("/nieuw-publiek-werken/").content.decode()
    response = _post(client)
    assert response.status_code == 302 and response["Location"].endswith("#ervaring")
    assert not ReaderMessage.objects.exists()


def test_a_get_on_the_form_address_leads_to_the_form(client: Client) -> None:
    response = client.get(FORM)
    assert response.status_code == 302
    assert response["Location"] == "/nieuw-publiek-werken/#ervaring"
