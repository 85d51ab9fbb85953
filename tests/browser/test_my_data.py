"""A reader finds 'Mijn gegevens' in the footer, gets the link by mail, takes a copy and
erases everything, in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from voorproef.downloads.models import Reader as ReaderRow
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail

from .conftest import Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_sees_takes_and_erases_what_is_held_about_them(
    reader: Reader, essay: EssayPage, tmp_path: Path
) -> None:
    requested(essay, name="Fatima El Amrani", email="fatima@example.nl", newsletter=True)
    approved(essay, name="Fatima", email="fatima@example.nl", text="Dit herken ik.")
    page = reader.page
    page.goto("/nieuw-publiek-werken/")
    page.locator("footer").get_by_role("link", name="Mijn gegevens").click()
    page.get_by_role("textbox", name="E-mailadres").fill("fatima@example.nl")
    page.wait_for_timeout(2200)
    page.get_by_role("button", name="Mail mij de link").click()
    assert page.get_by_role("heading", name="Kijk in je inbox").is_visible()

    mail = OutgoingMail.objects.get(kind="privacy-access")
    link = re.search(r"http://\S+/mijn-gegevens/[\w-]+/", mail.body_text)
    assert link is not None
    page.goto("/" + link.group(0).split("/", 3)[3])  # the live server, not SITE_URL
    assert page.get_by_text("Dit herken ik.").is_visible()
    assert page.get_by_text("“Houd mij per mail op de hoogte van nieuwe essays.”").is_visible()
    reader.screenshot("my-data-overview")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Alles downloaden (JSON)").click()
    saved = tmp_path / "mine.json"
    download_info.value.save_as(saved)
    assert json.loads(saved.read_text())["comments"][0]["text"] == "Dit herken ik."

    page.get_by_role("button", name="Trek mijn toestemming voor de nieuwsbrief in").click()
    assert page.get_by_text("je krijgt geen mail meer over nieuwe essays").is_visible()

    page.get_by_label("Ja, wis alles wat jullie over dit adres bewaren.").check()
    page.get_by_role("button", name="Wis mijn gegevens").click()
    assert page.get_by_role("heading", name="Je gegevens zijn gewist").is_visible()
    reader.screenshot("my-data-erased")
    assert not ReaderRow.objects.exists()
    assert reader.context.cookies() == []
    assert reader.off_site_requests() == []
