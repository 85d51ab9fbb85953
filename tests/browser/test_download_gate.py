from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support import written
from voorproef.downloads.models import DownloadRequest
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail

from .conftest import Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY = "/nieuw-publiek-werken/"


def _fill_in(reader: Reader, name: str, email: str) -> None:
    page = reader.page
    page.goto(ESSAY)
    page.get_by_role("link", name="Ontvang het hele essay").click()
    form = page.locator("#download-form")
    form.get_by_label("Naam").fill(name)
    form.get_by_label("E-mailadres").fill(email)
    page.wait_for_timeout(2200)  # a person takes longer than the form's two-second floor
    page.get_by_role("button", name="Stuur mij het essay").click()


def _pdf_text(path: str | Path) -> str:
    reader = PdfReader(path if isinstance(path, str) else str(path))
    return "".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_a_reader_downloads_a_personal_copy_at_once(reader: Reader, tmp_path: Path) -> None:
    _fill_in(reader, "Fatima El Amrani", "fatima@example.nl")
    page = reader.page
    page.wait_for_url("**/download/**")
    assert page.get_by_role("heading", name="Dank je, Fatima El Amrani!").is_visible()
    reader.screenshot("download-thanks")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de pdf").click()
    download = download_info.value
    assert download.suggested_filename == "nieuw-publiek-werken.pdf"
    saved = tmp_path / "copy.pdf"
    download.save_as(saved)
    text = _pdf_text(saved)
    assert "PersoonlijkexemplaarvoorFatimaElAmrani" in text
    assert "NieuwPubliekWerken" in text
    assert DownloadRequest.objects.get().download_count == 1
    assert OutgoingMail.objects.get().to == "fatima@example.nl"
    assert reader.context.cookies() == []


def test_a_mistake_is_shown_next_to_the_field_with_the_text_kept(reader: Reader) -> None:
    _fill_in(reader, "Jan", "jan@@example")
    page = reader.page
    email_field = page.get_by_label("E-mailadres")
    assert email_field.input_value() == "jan@@example"
    assert email_field.get_attribute("aria-invalid") == "true"
    assert "Dit is geen geldig e-mailadres" in page.locator("#id_email-error").inner_text()
    assert page.get_by_label("Naam").input_value() == "Jan"
    reader.screenshot("download-error")


def test_confirm_first_the_reader_clicks_the_mailed_link(
    reader: Reader, tmp_path: Path, essay: EssayPage
) -> None:
    essay.delivery_mode = "confirm"
    essay.save_revision().publish()
    _fill_in(reader, "Willem", "willem@example.nl")
    page = reader.page
    page.wait_for_url("**/download/verstuurd/")
    assert page.get_by_role("heading", name="Kijk in je inbox").is_visible()

    mail = written(OutgoingMail.objects.get())
    link = re.search(r"http://127\.0\.0\.1:8000(/download/\S+/)", mail.body_text)
    assert link
    page.goto(link.group(1))
    page.get_by_role("button", name="Bevestig en download").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de pdf").click()
    saved = tmp_path / "copy.pdf"
    download_info.value.save_as(saved)
    assert "PersoonlijkexemplaarvoorWillem" in _pdf_text(saved)
    assert DownloadRequest.objects.get().confirmed_at is not None


def test_the_pages_of_the_gate_pass_axe(reader: Reader) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _fill_in(reader, "Anna", "anna@example.nl")
    reader.page.wait_for_url("**/download/**")
    results = Axe().run(reader.page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("lead", ["", "Vul je naam en e-mail in."])
def test_the_gate_and_its_form_are_one_box_with_or_without_an_introduction(
    reader: Reader, essay: EssayPage, publish: Any, lead: str
) -> None:
    essay.download_form_lead = lead
    publish(essay)
    reader.page.goto("/nieuw-publiek-werken/")
    gate = reader.page.locator("section.gate").bounding_box()
    form = reader.page.locator("div.download").bounding_box()
    assert gate is not None and form is not None
    assert abs(gate["y"] + gate["height"] - form["y"]) < 1  # no seam between them
