"""'Mijn gegevens': a reader sees, takes, withdraws and erases what the site holds about them."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.comments.helpers import approved, post_comment
from tests.downloads.helpers import requested
from tests.support import form_token
from voorproef.comments.models import Comment
from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage
from voorproef.inbox.services import message_create
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import AccessLink, Consent, DataRequest, PrivacySettings
from voorproef.privacy.services import holdings_erase, retention_purge

pytestmark = pytest.mark.django_db

PAGE = "/mijn-gegevens/"
EMAIL = "anna@example.nl"


def _ask(client: Client, email: str = EMAIL, **headers: str) -> Any:
    return client.post(
        PAGE,
        {"email": email, "form_token": form_token(), "homepage": ""},
        headers={"Sec-Fetch-Site": "same-origin", **headers},
    )


def _link(email: str = EMAIL) -> str:
    """The link in the last mail to this address, as the reader clicks it."""
    mail = OutgoingMail.objects.filter(to=email, kind="privacy-access").latest("pk")
    match = re.search(r"https?://\S+(/mijn-gegevens/[\w-]+/)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def _reader_with_everything(essay: EssayPage) -> dict[str, Any]:
    request, _raw = requested(essay, email=EMAIL, newsletter=True)
    message = message_create(
        essay=essay,
        name="Anna de Boer",
        email=EMAIL,
        organisation="Gemeente Utrecht",
        text="Bij ons ging het net zo.",
        consent=ReaderMessage.Consent.WITH_NAME,
        consent_text="Jullie mogen mijn ervaring op deze pagina publiceren: met mijn naam",
        ip_network="192.0.2.0",
        user_agent="Firefox",
    )
    message.published = True
    message.save()
    comment = approved(essay, name="Anna", email=EMAIL, text="Mooi essay, herkenbaar.")
    held = approved(
        essay, name="Anna", email=EMAIL, text="Nog een gedachte.", status=Comment.Status.PENDING
    )
    reply = approved(essay, name="Joost", email="joost@example.nl", parent=comment, text="Eens!")
    return {
        "request": request,
        "message": message,
        "comment": comment,
        "held": held,
        "reply": reply,
    }


def test_the_page_is_in_every_footer_and_sets_no_cookie(client: Client) -> None:
    essay_page = client.get("/nieuw-publiek-werken/").content.decode()
    assert f'href="{PAGE}"' in essay_page and "Mijn gegevens" in essay_page
    assert 'href="/privacy/"' in essay_page  # the privacy statement, too
    response = client.get(PAGE)
    assert response.status_code == 200
    assert not response.cookies
    assert "Mijn gegevens" in response.content.decode()


def test_a_known_and_an_unknown_address_get_the_same_answer_and_the_same_work(
    client: Client, essay: EssayPage
) -> None:
    _reader_with_everything(essay)
    answers = []
    for email in (EMAIL, "nobody@example.nl"):
        with CaptureQueriesContext(connection) as queries:
            response = _ask(client, email, REMOTE_ADDR="192.0.2.9")
        answers.append((response.status_code, response["Location"], len(queries)))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, "/mijn-gegevens/verstuurd/")
    thanks = client.get("/mijn-gegevens/verstuurd/").content.decode()
    assert "We hebben een link gemaild" in thanks
    # Each address gets its own link, by mail only: nobody learns anything from the page.
    assert OutgoingMail.objects.filter(kind="privacy-access").count() == 2
    nothing = client.get(_link("nobody@example.nl")).content.decode()
    assert "We bewaren niets over dit adres" in nothing
    assert "Wis mijn gegevens" not in nothing


def test_the_link_shows_everything_held_about_the_address(client: Client, essay: EssayPage) -> None:
    _reader_with_everything(essay)
    _ask(client)
    response = client.get(_link())
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Nieuw Publiek Werken" in html and "Anna de Boer" in html
    assert "“Houd mij per mail op de hoogte van nieuwe essays.”" in html
    assert "(versie 1)" in html and "niet bevestigd" in html
    assert "Mooi essay, herkenbaar." in html and "gepubliceerd" in html
    assert "Nog een gedachte." in html and "wacht op moderatie" in html
    assert "Bij ons ging het net zo." in html and "gepubliceerd op de pagina van het essay" in html
    assert "Eens!" not in html  # someone else's reply is not hers


def test_the_copy_holds_everything_as_json_and_as_csv_per_kind(
    client: Client, essay: EssayPage
) -> None:
    _reader_with_everything(essay)
    _ask(client)
    link = _link()
    response = client.get(link + "gegevens.json")
    assert response["Content-Disposition"] == 'attachment; filename="mijn-gegevens.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["address"] == EMAIL
    assert [r["name"] for r in data["download_requests"]] == ["Anna de Boer"]
    assert data["download_requests"][0]["network"] == "192.0.2.0"
    assert data["consents"][0]["text"] == "Houd mij per mail op de hoogte van nieuwe essays."
    assert data["consents"][0]["text_version"] == 1
    assert {c["text"] for c in data["comments"]} == {"Mooi essay, herkenbaar.", "Nog een gedachte."}
    assert data["messages"][0]["organisation"] == "Gemeente Utrecht"
    assert data["messages"][0]["published"] is True
    assert [(m["kind"], m["to_you"]) for m in data["mails"]] == [
        ("download", True),
        ("privacy-access", True),
    ]
    # Times as the pages show them: the site's clock, with its offset from UTC.
    assert data["download_requests"][0]["requested_at"].endswith(("+01:00", "+02:00"))
    # The copy may be handed on: no personal link in it opens anything.
    mail_texts = " ".join(m["text"] for m in data["mails"])
    assert "/download/" in mail_texts and "/mijn-gegevens/" in mail_texts
    key_links = re.findall(r"/(?:download|mijn-gegevens)/[^\s/]+/", mail_texts)
    assert key_links and all("[key]" in key_link for key_link in key_links), key_links

    sheet = client.get(link + "comments.csv")
    # Named for a person, in the site's language; the JSON keeps its keys for programs.
    assert sheet["Content-Disposition"] == 'attachment; filename="reacties.csv"'
    assert "reacties.csv</a>" in client.get(link).content.decode()
    spreadsheet = sheet.content.decode()
    # A byte order mark first, so Excel reads the file as UTF-8 (é, „) and not as its code page.
    assert spreadsheet.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(spreadsheet.removeprefix("\ufeff"))))
    assert [row["status"] for row in rows] == ["goedgekeurd", "wacht op goedkeuring"]
    assert [row["tekst"] for row in rows] == ["Mooi essay, herkenbaar.", "Nog een gedachte."]
    assert {row["mail mij bij antwoorden"] for row in rows} == {"nee"}
    assert client.get(link + "passwords.csv").status_code == 404
    exports = DataRequest.objects.filter(kind=DataRequest.Kind.EXPORT)
    assert exports.count() == 2 and all(e.answered_at for e in exports)


def test_the_newsletter_consent_is_withdrawn_in_one_click(client: Client, essay: EssayPage) -> None:
    _reader_with_everything(essay)
    _ask(client)
    link = _link()
    response = client.post(
        link, {"action": "newsletter"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 302
    assert Consent.objects.get(purpose=Consent.Purpose.NEWSLETTER).withdrawn_at is not None
    html = client.get(response["Location"]).content.decode()
    assert "je krijgt geen mail meer over nieuwe essays" in html
    assert 'class="form-message form-message--done" role="status"' in html  # not an error's red
    assert "ingetrokken op" in html
    # The next button posts to the overview itself: its answer does not repeat this "done".
    assert f'action="{link}#data-erase"' in html and "?gedaan" not in html.split("<form", 1)[1]
    assert DataRequest.objects.filter(kind=DataRequest.Kind.WITHDRAWAL).count() == 1


def test_the_consent_to_reply_mail_is_on_record_with_its_words_and_withdrawn_in_one_click(
    client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Anna", email=EMAIL, text="Eerder.")
    post_comment(client, name="Anna", email=EMAIL, text="Mail me maar.", notify="on")
    comment = Comment.objects.get(text="Mail me maar.")
    assert comment.notify_replies
    assert comment.notify_wording is not None
    assert (comment.notify_wording.text, comment.notify_wording.version) == (
        "Mail mij als iemand op mijn reactie antwoordt",
        1,
    )
    _ask(client)
    link = _link()
    html = client.get(link).content.decode()
    assert '“Mail mij als iemand op mijn reactie antwoordt” <span class="small">(versie 1)' in html
    assert "Geen mail meer bij antwoorden op mijn reacties" in html
    exported = json.loads(client.get(link + "gegevens.json").content)
    assert exported["comments"][1]["mail_me_replies_text_version"] == 1

    response = client.post(link, {"action": "replies"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    assert not Consent.objects.filter(
        email=EMAIL, purpose=Consent.Purpose.REPLIES, withdrawn_at__isnull=True
    ).exists()
    html = client.get(response["Location"]).content.decode()
    assert "je krijgt geen mail meer als iemand op je reacties antwoordt" in html
    assert "Geen mail meer bij antwoorden" not in html  # nothing left to withdraw
    assert DataRequest.objects.filter(kind=DataRequest.Kind.WITHDRAWAL).count() == 1


def test_withdrawing_publication_takes_the_experience_off_the_page(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    held = _reader_with_everything(essay)
    assert "Bij ons ging het net zo." in client.get(essay.url).content.decode()
    _ask(client)
    with committed():
        client.post(
            _link(),
            {"action": "publication", "message": held["message"].pk},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
    message = ReaderMessage.objects.get()
    assert not message.published and message.consent == ""
    assert "Bij ons ging het net zo." not in client.get(essay.url).content.decode()


def test_erasing_deletes_everything_and_keeps_the_comments_without_a_name(
    client: Client, essay: EssayPage, committed: Any, settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"  # the editors' mail quotes her message
    held = _reader_with_everything(essay)
    assert "Bij ons ging het net zo." in client.get(essay.url).content.decode()  # cached
    _ask(client)
    link = _link()

    refused = client.post(link, {"action": "erase"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert refused.status_code == 400  # the box was not ticked
    assert "Vink het vakje aan" in refused.content.decode()
    assert Reader.objects.exists()

    overview = client.get(link).content.decode()
    assert "Gemeente Utrecht" in overview  # the message as stored, with name and organisation
    # Every mail erasing deletes is listed: hers, and the editors' about her message.
    assert overview.count("(aan de redactie)") == 1
    listed = re.findall(r"<p>\d+ \w+ \d{4}, \d\d:\d\d: ", overview)

    with committed():
        response = client.post(
            link, {"action": "erase", "confirm": "on"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
    # A redirect: reloading the answer, or going back and forth, posts nothing again.
    assert response.status_code == 302 and response["Location"].startswith("/mijn-gegevens/gewist/")
    done = client.get(response["Location"])
    html = done.content.decode()
    assert done.status_code == 200 and "Je gegevens zijn gewist" in html
    assert "2 reacties bewaard zonder je naam, adres of website" in html
    assert f"{len(listed)} mails verwijderd" in html
    assert done["Cache-Control"].startswith("private") and "no-store" in done["Cache-Control"]

    assert not Reader.objects.exists() and not DownloadRequest.objects.exists()
    assert not Consent.objects.exists() and not ReaderMessage.objects.exists()
    assert not OutgoingMail.objects.filter(to=EMAIL).exists()
    assert not OutgoingMail.objects.filter(body_text__contains=EMAIL).exists()
    comment = Comment.objects.get(pk=held["comment"].pk)
    assert (comment.name, comment.email, comment.url, comment.ip_network) == ("Anoniem", "", "", "")
    assert comment.status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=held["reply"].pk).email == "joost@example.nl"
    page = client.get(essay.url).content.decode()
    assert "Mooi essay, herkenbaar." in page and "Anoniem" in page
    assert "Bij ons ging het net zo." not in page

    entry = DataRequest.objects.get(kind=DataRequest.Kind.ERASURE)
    assert entry.summary == {
        "download_requests": 1,
        "consents": 1,
        "messages": 1,
        "mails": len(listed),
        "mails_scrubbed": 0,
        "comments_anonymised": 2,
        "webhook_deliveries": 0,
    }
    logged = json.dumps(list(DataRequest.objects.values()), default=str)
    assert "anna" not in logged.lower() and "192.0.2" not in logged
    assert client.get(link).status_code == 404  # the link went with the rest


def test_another_readers_mail_is_neither_shown_nor_erased_for_an_address_inside_theirs(
    client: Client, essay: EssayPage, settings: Any
) -> None:
    """Hanna's address holds Anna's (hanna@example.nl): a mail that names Hanna is not Anna's."""
    settings.EDITORS_EMAIL = "redactie@example.nl"
    post_comment(client, name="Hanna", email="h" + EMAIL, text="Mijn eerste reactie.")
    hannas = set(OutgoingMail.objects.values_list("pk", flat=True))
    assert OutgoingMail.objects.filter(body_text__contains="h" + EMAIL).count() == 1
    requested(essay, email=EMAIL)
    _ask(client)
    link = _link()

    exported = json.loads(client.get(link + "gegevens.json").content)
    assert [m["kind"] for m in exported["mails"]] == ["download", "privacy-access"]
    erase = {"action": "erase", "confirm": "on"}
    client.post(link, erase, headers={"Sec-Fetch-Site": "same-origin"})
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == hannas


def test_a_mail_about_someone_else_that_names_her_address_is_not_hers_but_loses_it(
    client: Client, essay: EssayPage, settings: Any
) -> None:
    """Bob's comment quotes Anna's address: the editors' mail about it is Bob's. Anna's copy
    does not hold it; her erasure leaves it with the editors, without her address."""
    settings.EDITORS_EMAIL = "redactie@example.nl"
    post_comment(client, name="Bob", email="bob@example.nl", text=f"Mail gerust naar {EMAIL}.")
    bobs = OutgoingMail.objects.get(kind="comment-moderate")
    requested(essay, email=EMAIL)
    _ask(client)
    link = _link()

    assert "Bob" not in client.get(link).content.decode()
    exported = json.loads(client.get(link + "gegevens.json").content)
    assert [m["kind"] for m in exported["mails"]] == ["download", "privacy-access"]
    erase = {"action": "erase", "confirm": "on"}
    client.post(link, erase, headers={"Sec-Fetch-Site": "same-origin"})
    bobs.refresh_from_db()
    assert "Mail gerust naar [adres gewist]." in bobs.body_text
    assert EMAIL not in bobs.body_text + bobs.body_html + bobs.subject
    assert bobs.reply_to == "bob@example.nl"  # still the editors' to answer
    assert DataRequest.objects.get(kind=DataRequest.Kind.ERASURE).summary["mails_scrubbed"] == 1


def test_erasure_finds_the_address_as_html_writes_it_and_in_any_case(essay: EssayPage) -> None:
    """Someone else's mail names o'brien@example.nl: as text, in upper case, after "=" in a
    link, and HTML-escaped (o&#x27;brien) in its HTML part. None of it is left."""
    email = "o'brien@example.nl"
    told = OutgoingMail.objects.create(
        kind="comment-moderate",
        to="redactie@example.nl",
        subject="Over O'BRIEN@EXAMPLE.NL",
        body_text=f"Schrijf {email} of https://example.nl/?email={email} terug.",
        body_html='<a href="mailto:o&#x27;brien@example.nl">o&#x27;brien@example.nl</a>',
        status="sent",
        sent_at=timezone.now(),
    )
    requested(essay, email=email)
    holdings_erase(email=email, delete_comments=False, channel="editor")
    told.refresh_from_db()
    assert "brien" not in (told.subject + told.body_text + told.body_html).lower()
    assert told.body_text == (
        "Schrijf [adres gewist] of https://example.nl/?email=[adres gewist] terug."
    )


def test_a_second_erase_through_the_same_link_erases_and_logs_nothing_more(
    client: Client, essay: EssayPage
) -> None:
    """Two posts of the erase button at once (a double click) both passed the link's check;
    the second, waiting for the first, finds the link gone and does nothing."""
    _reader_with_everything(essay)
    _ask(client)
    link = AccessLink.objects.get()
    for done in (True, False):
        entry = holdings_erase(
            email=EMAIL, delete_comments=False, channel="reader", access_link=link
        )
        assert (entry is not None) is done
    assert DataRequest.objects.filter(kind=DataRequest.Kind.ERASURE).count() == 1


def test_erasing_deletes_the_comments_when_asked_and_the_editors_allow_it(
    client: Client, essay: EssayPage
) -> None:
    held = _reader_with_everything(essay)
    _ask(client)
    client.post(
        _link(),
        {"action": "erase", "confirm": "on", "delete_comments": "on"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert not Comment.objects.filter(pk__in=[held["comment"].pk, held["held"].pk]).exists()
    reply = Comment.objects.get(pk=held["reply"].pk)
    assert reply.parent is None  # it stands on its own
    assert "Eens!" in client.get(essay.url).content.decode()


def test_comments_stay_anonymised_when_the_editors_do_not_allow_deleting_them(
    client: Client, essay: EssayPage
) -> None:
    settings_row = PrivacySettings.load()
    settings_row.comments_deletable = False
    settings_row.save()
    held = _reader_with_everything(essay)
    _ask(client)
    link = _link()
    assert 'name="delete_comments"' not in client.get(link).content.decode()
    client.post(
        link,
        {"action": "erase", "confirm": "on", "delete_comments": "on"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert Comment.objects.get(pk=held["comment"].pk).name == "Anoniem"


def test_an_expired_or_made_up_link_shows_nothing_and_offers_a_new_one(
    client: Client, essay: EssayPage
) -> None:
    _reader_with_everything(essay)
    _ask(client)
    link = _link()
    forged = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]
    response = client.get(forged)
    assert response.status_code == 404 and "Anna" not in response.content.decode()
    assert client.get(forged + "gegevens.json").status_code == 404

    AccessLink.objects.update(
        created_at=timezone.now() - timedelta(hours=25),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    expired = client.get(link)
    html = expired.content.decode()
    assert expired.status_code == 410 and "Deze link is verlopen" in html
    assert "Anna" not in html and f'href="{PAGE}"' in html
    assert client.get(link + "gegevens.json").status_code == 410
    client.post(
        link, {"action": "erase", "confirm": "on"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert Reader.objects.exists()


def test_a_post_from_another_site_through_the_link_changes_nothing(
    client: Client, essay: EssayPage
) -> None:
    _reader_with_everything(essay)
    _ask(client)
    response = client.post(
        _link(), {"action": "erase", "confirm": "on"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert Reader.objects.exists() and ReaderMessage.objects.exists()


def test_an_address_gets_at_most_three_links_a_day_and_the_page_looks_the_same(
    client: Client, settings: Any
) -> None:
    settings.FORM_POSTS_PER_EMAIL_PER_HOUR = 100
    answers = {(_ask(client).status_code, _ask(client)["Location"]) for _ in range(3)}
    assert answers == {(302, "/mijn-gegevens/verstuurd/")}
    assert OutgoingMail.objects.filter(to=EMAIL).count() == 3
    # Logged, not mailed, and answered by the three links already sent: none stays open.
    unsent = DataRequest.objects.filter(summary={"not_mailed_links_sent_today": 1})
    assert unsent.count() == 3
    assert not DataRequest.objects.filter(answered_at__isnull=True).exists()


def test_bad_addresses_get_a_clear_message_and_nothing_is_sent(client: Client) -> None:
    for email, expected in [
        ("", "Vul je e-mailadres in."),
        ("anna@", "Dit is geen geldig e-mailadres."),
        ("a" * 300 + "@example.nl", "hoogstens 254 tekens"),
    ]:
        response = _ask(client, email)
        assert response.status_code == 400
        assert expected in response.content.decode()
    assert not OutgoingMail.objects.exists()


def test_a_post_of_the_address_from_another_site_is_refused(client: Client) -> None:
    response = _ask(client, **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "Dit formulier kan alleen vanaf deze site worden verstuurd." in response.content.decode()
    assert not OutgoingMail.objects.exists()


def test_erasing_reaches_the_mail_that_quoted_her_and_the_admin_log_never_names_her(
    client: Client, essay: EssayPage, editor_client: Client, settings: Any, committed: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    joost = approved(essay, name="Joost Bakker", email="joost@example.nl", notify_replies=True)
    approved(essay, name="Anna de Boer", email=EMAIL, text="Eerder.")  # she is known
    with committed():
        post_comment(
            client,
            name="Anna de Boer",
            email=EMAIL,
            text="Helemaal mee eens, Joost.",
            parent=str(joost.pk),
        )
    reply = Comment.objects.get(text="Helemaal mee eens, Joost.")
    told = OutgoingMail.objects.get(kind="comment-reply", to="joost@example.nl")
    assert "Anna de Boer" in told.subject and "Helemaal mee eens" in told.body_text
    OutgoingMail.objects.filter(pk=told.pk).update(status="sent", sent_at=timezone.now())
    # An editor corrects her comment: Wagtail's action log records it, under an impersonal title.
    edited = editor_client.post(
        f"/admin/snippets/comments/comment/edit/{reply.pk}/",
        {"status": "approved", "name": "Anna de Boer", "url": "", "text": "Mee eens, Joost."},
    )
    assert edited.status_code == 302
    assert ModelLogEntry.objects.filter(object_id=str(reply.pk)).exists()

    _ask(client)
    client.post(
        _link(), {"action": "erase", "confirm": "on"}, headers={"Sec-Fetch-Site": "same-origin"}
    )

    told.refresh_from_db()  # Joost's mail is still on record as sent, without her words
    assert told.status == "sent" and told.to == "joost@example.nl"
    assert (told.subject, told.body_text, told.body_html) == ("", "", "")
    rows = json.dumps(
        [list(OutgoingMail.objects.values()), list(ModelLogEntry.objects.values())], default=str
    )
    assert "Anna" not in rows and EMAIL not in rows and "Mee eens, Joost" not in rows


def test_mail_older_than_ninety_days_keeps_no_name_or_address_of_whom_it_was_about(
    client: Client, essay: EssayPage, settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    post_comment(client, name="Anna de Boer", email=EMAIL, text="Een eerste reactie.")
    mail = OutgoingMail.objects.get(kind="comment-moderate")
    assert mail.reply_to == EMAIL and "Anna de Boer" in mail.subject
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status="sent", sent_at=timezone.now(), created_at=timezone.now() - timedelta(days=91)
    )
    retention_purge()
    mail.refresh_from_db()
    assert (mail.subject, mail.reply_to, mail.body_text) == ("", "", "")
    assert mail.to == "redactie@example.nl" and mail.status == "sent"
