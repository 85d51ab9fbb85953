"""Every naughty string (tests/security/data/) as a published comment and a published reader's
experience, in a real browser, on the essay and in the editors' lists: no script runs, no
element or attribute comes out of what readers typed, and every string reads as typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Dialog, Page

from tests.browser.conftest import Reader
from tests.comments.helpers import approved
from tests.security.test_naughty_strings import STRINGS
from voorproef.comments.models import CommentSettings
from voorproef.comments.services import comments_page_path
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any of the page's own scripts: a payload that gets to run leaves a mark.
_TRAPS = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__ran.push(name + ":" + args.join(",")); };
}
"""
# What no reader's text may become: scripts, frames, handlers, script links, unknown tags.
_INJECTED = """
root => [...root.querySelectorAll("*")].flatMap(el => {
  const found = [];
  if (el.matches("td.comment-moderation > form")) return found;  // the editors' own buttons
  if (/^(script|iframe|frame|object|embed|svg|math|style|link|meta|base|form|foo|x)$/i
      .test(el.tagName)) found.push(el.outerHTML.slice(0, 120));
  for (const attr of el.attributes) {
    if (/^on/i.test(attr.name) || /^\\s*(javascript|data|vbscript):/i.test(attr.value))
      found.push(el.tagName + " " + attr.name + "=" + attr.value.slice(0, 60));
  }
  return found;
})
"""


def _dialogs(page: Page) -> list[str]:
    """Every dialog the page opens (none may), dismissed."""
    opened: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def _clean(page: Page, selector: str) -> None:
    assert page.evaluate("window.__ran") == []
    for root in page.locator(selector).all():
        assert root.evaluate(_INJECTED) == []


@pytest.fixture
def published(essay: EssayPage) -> None:
    settings = CommentSettings.load()
    settings.per_page = 500
    settings.save()
    for i, text in enumerate(STRINGS):
        approved(essay, name=text or "-", text=text or "-", email=f"r{i}@example.nl")
    ReaderMessage.objects.bulk_create(
        ReaderMessage(
            essay=essay,
            name=text or "-",
            email=f"m{i}@example.nl",
            text=text or "-",
            consent=ReaderMessage.Consent.WITH_NAME,
            published=True,
            published_at=timezone.now(),
            public_title=text,
        )
        for i, text in enumerate(STRINGS)
    )


def test_nothing_readers_typed_runs_on_the_essay(
    reader: Reader, published: None, essay: EssayPage
) -> None:
    dialogs = _dialogs(reader.page)
    reader.context.add_init_script(_TRAPS)
    shown = {"ol.comment-list": "", "section.experiences": ""}
    comments = 0
    for number in (1, 2):
        reader.page.goto(comments_page_path(essay, number))
        reader.page.locator("ol.comment-list").scroll_into_view_if_needed()
        reader.page.wait_for_load_state("networkidle")
        _clean(reader.page, "ol.comment-list, article.reader-experience")
        comments += reader.page.locator("ol.comment-list > li").count()
        for part in shown:
            shown[part] += reader.page.locator(part).inner_text()
    assert dialogs == []
    assert comments == len(STRINGS)
    assert reader.page.locator("article.reader-experience").count() == len(STRINGS)
    for part, text in shown.items():
        for typed in ("<script>alert(123)</script>", "' OR '1'='1", "Eve <b>body</b>"):
            assert typed in text, (part, typed)


def test_nothing_readers_typed_runs_in_the_editors_lists(
    reader: Reader, published: None, live_server: Any
) -> None:
    editor = get_user_model().objects.create_superuser("redactie", "r@example.nl", "pw")
    client = Client()
    client.force_login(editor)
    reader.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": str(live_server)}]
    )
    dialogs = _dialogs(reader.page)
    reader.context.add_init_script(_TRAPS)
    for url in (
        "/admin/snippets/comments/comment/?per_page=500",
        "/admin/inbox/?per_page=500",
        "/admin/",
    ):
        reader.page.goto(url)
        reader.page.wait_for_load_state("networkidle")
        assert reader.page.url.endswith(url)  # signed in: not sent to the login page
        _clean(reader.page, "main table, main .listing")
    assert dialogs == []
