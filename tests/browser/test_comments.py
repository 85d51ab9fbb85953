"""The reader's whole discussion flow, in Chromium: post, see the held comment, a moderator
approves it from the mail, a fresh reader sees it and replies; attack strings stay text."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Dialog, expect

from voorproef.comments.models import Comment
from voorproef.mail.models import OutgoingMail

from .conftest import DESKTOP, Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY = "/nieuw-publiek-werken/"
XSS = (
    '<img src=x onerror=alert(1)><script>alert(2)</script> https://a.example/"onmouseover=alert(3)'
)


def _comment(reader: Reader, text: str, name: str, email: str) -> None:
    page = reader.page
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Reactie").fill(text)
    form.get_by_role("textbox", name="Naam").fill(name)
    form.get_by_role("textbox", name="E-mailadres").fill(email)
    page.wait_for_timeout(2200)  # a person takes longer than the form's two-second floor
    form.get_by_role("button", name="Reactie plaatsen").click()


def test_post_wait_for_approval_from_the_mail_then_a_fresh_reader_replies(
    reader: Reader, browser: Browser, live_server: object, settings: object
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"  # type: ignore[attr-defined]
    dialogs: list[Dialog] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog)
        dialog.dismiss()

    reader.page.on("dialog", on_dialog)
    page = reader.page
    page.goto(ESSAY + "#reageer")
    _comment(reader, "Dit herken ik.\n\nEn dit ook: " + XSS, "Lotte de Wit", "lotte@example.nl")

    expect(page).to_have_url(re.compile(r".*\?reactie=.*#reactie-\d+$"))
    held = page.locator(".comment--pending")
    expect(held).to_contain_text("Je reactie wacht op goedkeuring.")
    expect(held).to_contain_text("<script>alert(2)</script>")  # shown as text
    held.scroll_into_view_if_needed()
    reader.screenshot("comment-pending")
    assert reader.context.cookies() == []

    # The moderator opens the link in the mail and presses the button.
    approve = re.search(r"Goedkeuren: (\S+)", OutgoingMail.objects.get().body_text)
    assert approve
    moderator = Reader(browser, str(live_server), DESKTOP)
    moderator.page.goto(approve.group(1).replace("http://127.0.0.1:8000", str(live_server)))
    assert Comment.objects.get().status == "pending"  # opening the link changed nothing
    moderator.page.get_by_role("button", name="Markeer als goedgekeurd").click()
    expect(moderator.page.get_by_role("heading")).to_contain_text("goedgekeurd")
    moderator.context.close()

    fresh = Reader(browser, str(live_server), DESKTOP)
    fresh.page.on("dialog", on_dialog)
    fresh.page.goto(ESSAY)
    comment = fresh.page.locator(".comment").first
    expect(comment).to_contain_text("Dit herken ik.")
    expect(comment).not_to_contain_text("wacht op goedkeuring")
    expect(fresh.page.locator(".byline")).to_contain_text("1 reactie")
    # Nothing Lotte typed became markup: no script element, no image, no handler.
    assert comment.locator("script, img, [onmouseover], [onerror]").count() == 0
    link = comment.locator(".comment__text a")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener")

    comment.get_by_role("link", name="Reageer op Lotte de Wit").click()
    expect(fresh.page.locator(".comment #comment-form")).to_be_visible()  # moved under it
    expect(fresh.page.locator("[data-reply-note]")).to_contain_text("Reactie op Lotte de Wit")
    fresh.screenshot("comment-reply-form")
    cache.clear()  # both readers share 127.0.0.1: let the 15 seconds between comments pass
    _comment(fresh, "Dank je, Lotte.", "Bram", "bram@example.nl")
    expect(fresh.page).to_have_url(re.compile(r".*\?reactie=.*"))
    reply = Comment.objects.get(name="Bram")
    assert reply.parent_id == Comment.objects.get(name="Lotte de Wit").pk
    expect(fresh.page.locator(f"#reactie-{reply.pk}")).to_contain_text("Dank je, Lotte.")
    fresh.screenshot("comment-thread")
    fresh.context.close()
    assert dialogs == []


def test_the_remember_box_fills_the_form_next_time(reader: Reader) -> None:
    page = reader.page
    page.goto(ESSAY + "#reageer")
    form = page.locator("#comment-form")
    form.get_by_role("checkbox", name="Mijn naam en e-mailadres onthouden in deze browser").check()
    _comment(reader, "Eerste keer.", "Lotte de Wit", "lotte@example.nl")
    expect(page).to_have_url(re.compile(r".*\?reactie=.*"))
    # Kept in the browser's own storage, never sent to the site: no cookie.
    assert reader.context.cookies() == []
    kept = page.evaluate("localStorage.getItem('voorproef.reageerder')")
    assert json.loads(kept) == {"name": "Lotte de Wit", "email": "lotte@example.nl", "url": ""}

    page.goto(ESSAY)
    form = page.locator("#comment-form")
    expect(form.get_by_role("textbox", name="Naam")).to_have_value("Lotte de Wit")
    expect(form.get_by_role("textbox", name="E-mailadres")).to_have_value("lotte@example.nl")
    box = form.get_by_role("checkbox", name="Mijn naam en e-mailadres onthouden in deze browser")
    expect(box).to_be_checked()

    # Unticked, the browser forgets them.
    box.uncheck()
    cache.clear()  # let the 15 seconds between one address's comments pass
    _comment(reader, "Tweede keer, niet meer onthouden.", "Lotte de Wit", "lotte@example.nl")
    expect(page).to_have_url(re.compile(r".*\?reactie=.*"))
    assert page.evaluate("localStorage.getItem('voorproef.reageerder')") is None


def test_a_remember_cookie_of_an_earlier_version_moves_into_the_browser_and_is_gone(
    reader: Reader, live_server: object
) -> None:
    reader.context.add_cookies(
        [
            {
                "name": "voorproef_reageerder",
                # As the earlier version set it: quoted by Python, for the "/" in the website.
                "value": '"Lotte%0Alotte%40example.nl%0Ahttps%3A//lotte.example/blog"',
                "url": str(live_server),
            }
        ]
    )
    page = reader.page
    page.goto(ESSAY + "#reageer")
    form = page.locator("#comment-form")
    expect(form.get_by_role("textbox", name="Naam")).to_have_value("Lotte")
    expect(form.get_by_role("textbox", name="Website")).to_have_value("https://lotte.example/blog")
    assert reader.context.cookies() == []
