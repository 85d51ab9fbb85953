"""A real Chromium (Debian's) driven by Playwright against the live test server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread, so Django takes every ORM call
    # the tests make between browser steps for one made from async code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Reader:
    """One reader's browser: a fresh profile that records every request it makes."""

    def __init__(self, browser: Browser, base_url: str, viewport: ViewportSize) -> None:
        self.context = browser.new_context(viewport=viewport, locale="nl-NL", base_url=base_url)
        self.page: Page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def off_site_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    def load_every_image(self) -> None:
        """Bring each image into view, as a reader scrolling down does, and let it load."""
        for image in self.page.locator("img").all():
            image.scroll_into_view_if_needed()
            image.evaluate(
                """img => img.complete ? true : new Promise(done => {
                    img.addEventListener("load", done, {once: true});
                    img.addEventListener("error", done, {once: true});
                    setTimeout(done, 10000);
                })"""
            )
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def reader(browser: Browser, live_server: object) -> Iterator[Reader]:
    reader = Reader(browser, str(live_server), DESKTOP)
    yield reader
    reader.context.close()


@pytest.fixture
def phone_reader(browser: Browser, live_server: object) -> Iterator[Reader]:
    reader = Reader(browser, str(live_server), PHONE)
    yield reader
    reader.context.close()


@pytest.fixture
def editor_reader(browser: Browser, live_server: object) -> Iterator[Reader]:
    """An editor's browser, signed in to the admin (in Dutch)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    editor = get_user_model().objects.create_superuser("redactie", "redactie@example.nl", "pw")
    client = Client()
    client.force_login(editor)
    reader = Reader(browser, str(live_server), DESKTOP)
    reader.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": str(live_server)}]
    )
    yield reader
    reader.context.close()
