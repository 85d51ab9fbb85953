from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail as outbox
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from tests.support import form_token, written
from voorproef.core import guards
from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail
from voorproef.mail.services import mail_send
from voorproef.privacy.models import Consent

pytestmark = pytest.mark.django_db

FORM = "/nieuw-publiek-werken/download/"


_token = form_token


def _post(
    client: Client, *, age: float = 10, headers: dict[str, str] | None = None, **fields: Any
) -> Any:
    data = {
        "name": "Anna de Boer",
        "email": "anna@example.nl",
        "form_token": _token(age),
        "homepage": "",
        **fields,
    }
    return client.post(FORM, data, headers={"Sec-Fetch-Site": "same-origin", **(headers or {})})


def _pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def test_each_mail_carries_the_copy_of_its_own_request(client: Client) -> None:
    _post(client, name="Anna de Boer", email="anna@example.nl")
    _post(client, name="Bram Visser", email="bram@example.nl")
    anna, bram = DownloadRequest.objects.order_by("pk")
    assert anna.mail and bram.mail
    # As an older version queued it: naming the request by its id as well.
    OutgoingMail.objects.filter(pk=anna.mail.pk).update(
        attachments=[{"builder": "download-pdf", "id": anna.pk}]
    )
    mail_send(mail_id=bram.mail.pk)
    mail_send(mail_id=anna.mail.pk)

    copies = {message.to[0]: message.attachments for message in outbox.outbox}
    for address, name in [("bram@example.nl", "BramVisser"), ("anna@example.nl", "AnnadeBoer")]:
        ((filename, data, mimetype),) = copies[address]
        assert (filename, mimetype) == ("nieuw-publiek-werken.pdf", "application/pdf")
        assert f"Persoonlijkexemplaarvoor{name}" in _pdf_text(data)


def test_the_essay_page_offers_the_form_with_a_fresh_token(client: Client) -> None:
    first = client.get("/nieuw-publiek-werken/").content.decode()
    time.sleep(1.1)
    second = client.get("/nieuw-publiek-werken/").content.decode()
    tokens = [re.search(r'name="form_token" value="([^"]+)"', html) for html in (first, second)]
    assert all(tokens)
    assert tokens[0].group(1) != tokens[1].group(1)  # type: ignore[union-attr]
    assert guards.FORM_TOKEN_PLACEHOLDER not in second
    assert "Geef uw naam en e-mailadres op voor uw gratis download." in first
    assert "Vereiste velden zijn gemarkeerd met" in first


def test_a_reader_gets_the_download_at_once_and_the_link_by_mail(
    client: Client, committed: Any
) -> None:
    with committed():
        response = _post(client)
    assert response.status_code == 302
    landing = client.get(response["Location"])
    html = landing.content.decode()
    assert "Dank je, Anna de Boer!" in html
    assert landing["Referrer-Policy"] == "no-referrer"
    assert not landing.cookies

    request = DownloadRequest.objects.get()
    assert request.reader.email == "anna@example.nl"
    assert request.mode == "direct"
    assert request.expires_at - request.created_at == timedelta(days=30)
    mail = OutgoingMail.objects.get()
    assert mail.to == "anna@example.nl"
    assert mail.kind == "download"
    assert request.mail == mail
    assert mail.attachments == [{"builder": "download-pdf"}]

    pdf_url = re.search(r'href="(/download/[^"]+/pdf/)"', html).group(1)  # type: ignore[union-attr]
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="nieuw-publiek-werken.pdf"'
    text = _pdf_text(pdf.content)
    assert "PersoonlijkexemplaarvoorAnnadeBoer" in text
    assert "Eenhalfjaargeledenwerdikgevraagd" in text
    assert "PersoonlijkexemplaarvoorAnnadeBoer" in (
        PdfReader(io.BytesIO(pdf.content)).metadata.subject.replace(" ", "")  # type: ignore[union-attr]
    )
    request.refresh_from_db()
    assert request.download_count == 1
    assert client.head(pdf_url).status_code == 200  # a link checker
    request.refresh_from_db()
    assert request.download_count == 1


def test_the_email_is_normalised_and_one_reader_kept_per_address(client: Client) -> None:
    _post(client, email="  Anna@EXAMPLE.nl ")
    _post(client, email="anna@example.nl", name="Anna")
    assert Reader.objects.get().email == "anna@example.nl"
    assert DownloadRequest.objects.count() == 2


def test_asking_again_past_the_cap_looks_the_same_but_sends_nothing(
    client: Client, settings: Any
) -> None:
    settings.DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY = 2
    answers = [_post(client) for _ in range(4)]
    assert {a.status_code for a in answers} == {302}
    assert OutgoingMail.objects.count() == 2
    assert DownloadRequest.objects.count() == 4


def test_a_newsletter_opt_in_waits_for_the_click_in_the_mail(
    client: Client, committed: Any
) -> None:
    with committed():
        _post(client, newsletter="on")
    consent = Consent.objects.get()
    assert consent.purpose == "newsletter"
    assert consent.text == "Houd mij per mail op de hoogte van nieuwe essays."
    assert consent.confirmed_at is None

    mail = written(OutgoingMail.objects.get())
    link = re.search(r"http://127\.0\.0\.1:8000(/nieuwsbrief/bevestigen/\S+/)", mail.body_text)
    assert link
    assert "bevestig" in client.get(link.group(1)).content.decode().lower()
    consent.refresh_from_db()
    assert consent.confirmed_at is None  # a GET (a mail scanner) changes nothing
    client.post(link.group(1), headers={"Sec-Fetch-Site": "same-origin"})
    consent.refresh_from_db()
    assert consent.confirmed_at is not None


def test_without_the_newsletter_box_no_consent_is_stored(client: Client) -> None:
    _post(client)
    assert not Consent.objects.exists()


def test_confirm_first_sends_a_link_that_must_be_clicked(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    essay.delivery_mode = "confirm"
    publish(essay)
    response = _post(client, newsletter="on")
    assert response["Location"] == "/nieuw-publiek-werken/download/verstuurd/"
    assert "Kijk in je inbox" in client.get(response["Location"]).content.decode()

    mail = written(OutgoingMail.objects.get())
    assert mail.kind == "download-confirm"
    assert mail.attachments == []
    link = re.search(r"http://127\.0\.0\.1:8000(/download/\S+/)", mail.body_text).group(1)  # type: ignore[union-attr]
    assert client.get(link + "pdf/").status_code == 302  # not before the address is confirmed
    assert "Bevestig" in client.get(link).content.decode()
    client.post(link, headers={"Sec-Fetch-Site": "same-origin"})
    request = DownloadRequest.objects.get()
    assert request.confirmed_at is not None
    assert Consent.objects.get().confirmed_at is not None
    assert client.get(link + "pdf/")["Content-Type"] == "application/pdf"


def test_an_expired_link_offers_a_fresh_one(client: Client) -> None:
    response = _post(client)
    DownloadRequest.objects.update(
        created_at=timezone.now() - timedelta(days=40), expires_at=timezone.now() - timedelta(1)
    )
    landing = client.get(response["Location"])
    assert landing.status_code == 410
    assert "Deze link is verlopen" in landing.content.decode()
    assert 'href="/nieuw-publiek-werken/#download-form"' in landing.content.decode()
    pdf = client.get(response["Location"].split("?")[0] + "pdf/")
    assert pdf.status_code == 302


def test_an_unknown_link_is_not_found(client: Client) -> None:
    assert client.get("/download/bestaat-niet/").status_code == 404
    assert client.get("/download/bestaat-niet/pdf/").status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "reason", "told"),
    [
        ({"age": 0.5}, 400, "posted too fast", "Wacht even en verstuur het opnieuw."),
        ({"age": 2 * 86400}, 400, "form too old", "lang open. Verstuur het opnieuw."),
        ({"form_token": "tampered"}, 400, "bad form token", "Controleer het"),
        ({"homepage": "http://spam.example"}, 400, "honeypot filled", "Controleer het"),
        ({"headers": {"Sec-Fetch-Site": "cross-site"}}, 403, "cross-site post", "deze site"),
    ],
)
def test_a_post_that_fails_a_guard_is_refused_politely_and_logged(
    client: Client, caplog: Any, change: dict[str, Any], status: int, reason: str, told: str
) -> None:
    response = _post(client, **change)
    assert response.status_code == status
    html = response.content.decode()
    assert told in html  # what a person who met it can do
    assert 'name="name" id="id_name" value="Anna de Boer"' in html  # typed values kept
    assert not DownloadRequest.objects.exists()
    assert any(reason in r.getMessage() for r in caplog.records)


def test_a_post_from_another_origin_without_fetch_metadata_is_refused(client: Client) -> None:
    response = client.post(
        FORM,
        {"name": "A", "email": "a@example.nl", "form_token": _token()},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not DownloadRequest.objects.exists()


def test_too_many_posts_from_one_connection_are_refused(client: Client, settings: Any) -> None:
    settings.FORM_POSTS_PER_IP_PER_HOUR = 3
    statuses = [_post(client, email=f"reader{n}@example.nl").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert DownloadRequest.objects.count() == 3


HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE downloads_reader;--",
    "😀 Zoë 王小明 محمد",
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_stored_and_shown_inert(client: Client, name: str) -> None:
    response = _post(client, name=name)
    assert response.status_code == 302
    assert DownloadRequest.objects.get().name == name
    html = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Zoe\u0308 de Vries", "Zoë de Vries"), ("Jan\ufffe Jansen\uffff", "Jan Jansen")],
)
def test_a_name_is_stored_composed_and_without_non_characters(
    client: Client, typed: str, stored: str
) -> None:
    assert _post(client, name=typed).status_code == 302
    assert DownloadRequest.objects.get().name == stored


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Vul je naam in."),
        ({"name": "   "}, "Vul je naam in."),
        ({"name": "x" * 5000}, "Je naam mag hoogstens 100 tekens lang zijn."),
        ({"name": "Anna\u202egnoR"}, "Je naam bevat tekens die niet zijn toegestaan."),
        ({"name": "Anna\x00"}, "Je naam bevat tekens die niet zijn toegestaan."),
        ({"name": "\u200b\ufeff\ufffe"}, "minstens één zichtbare letter of cijfer"),
        ({"name": " \u200b \u0301 "}, "minstens één zichtbare letter of cijfer"),
        ({"name": "\u0958" * 60}, "Je naam mag hoogstens 100 tekens lang zijn."),  # 120 in NFC
        ({"email": ""}, "Vul je e-mailadres in."),
        ({"email": "anna@"}, "Dit is geen geldig e-mailadres."),
        ({"email": "anna@@example.nl"}, "Dit is geen geldig e-mailadres."),
        ({"email": "a" * 300 + "@example.nl"}, "Een e-mailadres mag hoogstens 254 tekens"),
        ({"email": "anna@example.nl'; DROP TABLE x;--"}, "Dit is geen geldig e-mailadres."),
    ],
)
def test_bad_input_gets_the_form_again_with_a_dutch_message(
    client: Client, fields: dict[str, Any], message: str
) -> None:
    response = _post(client, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not DownloadRequest.objects.exists()
    assert not Reader.objects.exists()


def test_an_uploaded_essay_pdf_is_never_served_at_its_document_address(
    client: Client, essay: EssayPage, publish: Any, editor_client: Client
) -> None:
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from voorproef.downloads.pdf import essay_pdf_render

    def upload(name: str) -> Any:
        document = get_document_model()(title=name)
        document.file.save(f"{name}.pdf", ContentFile(essay_pdf_render(essay)))
        return document

    # In a draft only: not public before the essay is published with it.
    draft = upload("concept")
    essay.pdf_document = draft
    essay.save_revision()
    assert client.get(draft.url).status_code == 404

    document = upload("essay")
    essay.pdf_document = document
    publish(essay)
    assert client.get(document.url).status_code == 404
    assert editor_client.get(document.url).status_code == 200

    # Replaced by a newer one: the old one stays private too.
    essay.pdf_document = upload("herzien")
    publish(essay)
    assert client.get(document.url).status_code == 404
    # A document no essay has as its PDF (an appendix linked from the text) is public.
    assert client.get(upload("bijlage").url).status_code == 200
    response = _post(client, name="Piet")
    pdf = client.get(response["Location"].split("?")[0] + "pdf/")
    assert "PersoonlijkexemplaarvoorPiet" in _pdf_text(pdf.content)


def test_while_the_pdf_is_being_made_the_reader_is_asked_to_wait(client: Client) -> None:
    from voorproef.downloads.models import EssayPdf

    response = _post(client)
    EssayPdf.objects.all().delete()
    pdf = client.get(response["Location"].split("?")[0] + "pdf/")
    assert pdf.status_code == 503
    assert pdf["Retry-After"] == "30"
    html = pdf.content.decode()
    assert "Je exemplaar is bijna klaar" in html
    assert '<meta name="robots" content="noindex">' in html
    assert DownloadRequest.objects.get().download_count == 0


def test_a_pdf_too_large_for_mail_goes_by_link_only(client: Client, settings: Any) -> None:
    settings.MAIL_ATTACHMENT_MAX_BYTES = 1000
    _post(client)
    mail = written(OutgoingMail.objects.get())
    assert mail.attachments == []
    assert "in de bijlage" not in mail.body_text
    assert "/download/" in mail.body_text
