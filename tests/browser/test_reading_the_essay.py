from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import Reader

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ESSAY = "/nieuw-publiek-werken/"


def test_the_essay_page_renders_with_every_illustration_loaded(reader: Reader) -> None:
    response = reader.page.goto(ESSAY)
    assert response is not None and response.ok
    reader.load_every_image()

    page = reader.page
    assert page.locator("h1").inner_text() == "Nieuw Publiek Werken"
    assert page.locator("html").get_attribute("lang") == "nl"
    for number in (1, 2, 3):
        assert page.get_by_role("heading", name=f"Ervaring {number}").is_visible()
    assert page.get_by_role("heading", name="Wil je verder lezen?").is_visible()

    images = page.locator("img")
    assert images.count() == 5
    for index in range(images.count()):
        image = images.nth(index)
        loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, image.get_attribute("src")
        assert image.get_attribute("alt")
    reader.screenshot("essay-desktop")


def test_reading_sets_no_cookie_and_asks_no_other_host(reader: Reader) -> None:
    for path in ("/", ESSAY, ESSAY):
        reader.page.goto(path)
        reader.load_every_image()
    assert reader.context.cookies() == []
    assert reader.off_site_requests() == []
    assert any("/media/images/" in url for url in reader.requests)


@pytest.mark.parametrize("path", ["/", ESSAY])
def test_axe_finds_no_accessibility_violations(reader: Reader, path: str) -> None:
    reader.page.goto(path)
    reader.load_every_image()
    results = Axe().run(reader.page)
    assert results.violations_count == 0, results.generate_report()


def test_the_essay_reads_well_on_a_phone(phone_reader: Reader) -> None:
    phone_reader.page.goto(ESSAY)
    phone_reader.load_every_image()
    page = phone_reader.page
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "nothing sticks out sideways"
    body_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.essay-body p')).fontSize)"
    )
    assert body_size >= 16
    phone_reader.screenshot("essay-phone")
    phone_reader.page.goto("/")
    phone_reader.load_every_image()
    phone_reader.screenshot("home-phone")


def test_the_home_page_leads_to_the_essay(reader: Reader) -> None:
    reader.page.goto("/")
    reader.load_every_image()
    reader.screenshot("home-desktop")
    reader.page.get_by_role("link", name="Nieuw Publiek Werken", exact=True).click()
    reader.page.wait_for_url(f"**{ESSAY}")
    assert reader.page.title().startswith("Nieuw Publiek Werken")


def test_the_page_scripts_run_under_the_content_security_policy(reader: Reader) -> None:
    """Nothing the page needs is blocked by its own policy; its script runs."""
    violations: list[str] = []
    reader.page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    reader.page.goto("/nieuw-publiek-werken/")
    reader.load_every_image()
    # forms.js ran: the live count is there, and the consent choices follow their box.
    assert reader.page.locator("#ervaring-form .field-count").count() == 1
    assert reader.page.locator("[data-shown-with]").is_hidden()
    assert violations == []
