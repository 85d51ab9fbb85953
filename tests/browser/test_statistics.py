"""Three readers in Chromium, two from a campaign link: one asks for the PDF, confirms and
fetches it, one comments, one comes from another site. A bot and a reader whose browser sends
Global Privacy Control read too. The editors' statistics show exactly those numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.support import written
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail
from voorproef.stats.models import DailyCount

from .conftest import DESKTOP, Reader
from .test_comments import _comment
from .test_download_gate import ESSAY, _fill_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAMPAIGN = "?utm_source=nieuwsbrief&utm_medium=email&utm_campaign=lancering"
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
EDGE = CHROME + " Edg/131.0.0.0"
SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


class _Browser(Reader):
    """A reader with a browser of its own make (Chromium's headless one reads as a bot)."""

    def __init__(
        self, browser: Browser, base_url: str, user_agent: str, headers: dict[str, str]
    ) -> None:
        self.context = browser.new_context(
            viewport=DESKTOP,
            locale="nl-NL",
            base_url=base_url,
            user_agent=user_agent,
            extra_http_headers=headers,
        )
        self.page = self.context.new_page()
        self.requests = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def read(self, address: str, referer: str | None = None) -> None:
        """Open a page and wait until its beacon has been answered."""
        with self.page.expect_response(lambda response: "/stats/hit" in response.url):
            self.page.goto(address, referer=referer)


@pytest.fixture
def readers(browser: Browser, live_server: object) -> Iterator[dict[str, _Browser]]:
    made = {
        name: _Browser(browser, str(live_server), agent, headers)
        for name, agent, headers in (
            ("anna", CHROME, {}),
            ("bram", FIREFOX, {}),
            ("cees", EDGE, {}),
            ("bot", GOOGLEBOT, {}),
            ("private", SAFARI, {"Sec-GPC": "1"}),
        )
    }
    yield made
    for reader in made.values():
        reader.context.close()


def test_the_dashboard_shows_exactly_what_three_readers_did(
    readers: dict[str, _Browser], editor_reader: Reader, essay: EssayPage
) -> None:
    from voorproef.stats import services

    services.stats_cache().clear()  # counts and visits an earlier test left in this process
    services._buffer.drain()
    services._buffer.writer = None
    essay.delivery_mode = "confirm"
    essay.save_revision().publish()

    # Anna comes from the newsletter's campaign link, asks for the PDF, confirms, fetches it.
    anna = readers["anna"]
    anna.read(ESSAY + CAMPAIGN)
    with anna.page.expect_response(lambda response: "/stats/hit" in response.url):
        _fill_in(anna, "Anna de Vries", "anna@example.nl")
    anna.page.wait_for_url("**/download/verstuurd/")
    mail = written(OutgoingMail.objects.get()).body_text
    link = re.search(r"http://127\.0\.0\.1:8000(/download/\S+/)", mail)
    assert link
    anna.page.goto(link.group(1))
    anna.page.get_by_role("button", name="Bevestig en download").click()
    with anna.page.expect_download():
        anna.page.get_by_role("link", name="Download de pdf").click()

    # Bram comes from the same link and comments; Cees follows a link on another site.
    bram = readers["bram"]
    bram.read(ESSAY + CAMPAIGN)
    _comment(bram, "Dit herken ik uit mijn eigen werk.", "Bram Jansen", "bram@example.nl")
    expect(bram.page).to_have_url(re.compile(r".*\?reactie=.*"))
    readers["cees"].read(ESSAY, referer="https://www.example.org/blog/werk")

    # Not counted: a crawler, and a browser that asks not to be tracked.
    readers["bot"].read(ESSAY + CAMPAIGN)
    readers["private"].read(ESSAY, referer="https://www.example.org/blog/werk")
    for reader in readers.values():
        assert reader.context.cookies() == []
        assert reader.off_site_requests() == []

    page = editor_reader.page
    page.goto("/admin/")
    expect(page.locator("#stats-summary-heading")).to_have_text("Lezers in de afgelopen 7 dagen")
    page.get_by_role("link", name="Statistieken", exact=True).click()
    page.get_by_label("Pagina").select_option(label=essay.title)
    page.get_by_label("Periode").select_option(label="Afgelopen 7 dagen")
    page.get_by_role("button", name="Tonen").click()

    funnel = page.get_by_role("table", name="Trechter")
    expected = {
        "Bezoekers": "3",
        "Formulier geopend": "1",
        "Aanvragen verstuurd": "1",
        "Adressen bevestigd": "1",
        "Pdf's opgehaald": "1",
        "Reacties geplaatst": "1",
        "Berichten verstuurd": "0",
    }
    for step, count in expected.items():
        expect(funnel.get_by_role("row", name=step, exact=False).first).to_contain_text(count)
    expect(page.locator(".vp-stats__summary")).to_contain_text("33%")  # 1 PDF / 3 visitors
    expect(page.get_by_role("table").filter(has_text="Verwijzer")).to_contain_text(
        re.compile(r"example\.org\s*1\s*0")
    )
    expect(page.get_by_role("table").filter(has_text="Campagne")).to_contain_text(
        re.compile(r"nieuwsbrief\s*email\s*lancering\s*2\s*1")
    )
    assert (
        not DailyCount.objects.filter(utm_campaign="lancering", step="visitor")
        .exclude(count__lte=2)
        .exists()
    )
    page.set_viewport_size({"width": DESKTOP["width"], "height": 2700})  # the admin scrolls inside
    editor_reader.screenshot("admin-statistics-desktop")

    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
