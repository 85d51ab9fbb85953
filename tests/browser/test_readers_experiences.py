"""A reader sends an experience; an editor publishes it from the admin; readers see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage

from .conftest import DESKTOP, Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY = "/nieuw-publiek-werken/"
STORY = "Ook bij ons in de regio liep het vast op de vraag wie wanneer aan tafel mocht."


def test_a_reader_sends_an_experience_and_an_editor_publishes_it(
    reader: Reader, browser: Browser, live_server: object, editor: Any
) -> None:
    page = reader.page
    page.goto(ESSAY + "#ervaring")
    form = page.locator("#ervaring-form")
    form.get_by_role("textbox", name="Naam").fill("Sanne Visser")
    form.get_by_label("E-mailadres").fill("sanne@example.nl")
    form.get_by_label("Organisatie of rol").fill("Griffier")
    form.get_by_label("Je ervaring").fill(STORY)
    expect(form.locator(".field-count")).to_have_text(f"{len(STORY)} van 5000 tekens")
    name_choice = form.get_by_label("met mijn naam", exact=True)
    expect(name_choice).to_be_hidden()  # the choice appears once the box is ticked
    form.get_by_label("Jullie mogen mijn ervaring op deze pagina publiceren").check()
    name_choice.check()
    reader.screenshot("experience-form")
    page.wait_for_timeout(2200)  # a person takes longer than the form's two-second floor
    form.get_by_role("button", name="Verstuur naar de auteurs").click()

    page.wait_for_url("**/bericht/verstuurd/")
    expect(page.get_by_role("heading", name="Bedankt voor je bericht")).to_be_visible()
    reader.screenshot("experience-thanks")
    assert reader.context.cookies() == []
    message = ReaderMessage.objects.get()
    assert message.consent == "name"

    # The editor, in their own browser, opens the inbox and publishes the experience.
    desk = Reader(browser, str(live_server), DESKTOP)
    session = Client()
    session.force_login(editor)
    desk.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": session.cookies["sessionid"].value,
                "url": str(live_server),
            }
        ]
    )
    admin = desk.page
    admin.goto("/admin/inbox/")
    admin.get_by_role("link", name="Sanne Visser").click()
    expect(admin.get_by_text(STORY)).to_be_visible()
    desk.screenshot("inbox-message")
    admin.get_by_role("link", name="Klaarmaken voor publicatie").click()
    admin.get_by_role("textbox", name="Titel").fill("Wie mag er aan tafel?")
    admin.get_by_role("checkbox", name="Gepubliceerd bij het essay").check()
    admin.get_by_role("button", name="Opslaan").click()
    expect(admin.locator(".messages")).to_be_visible()
    desk.context.close()

    # A reader who comes by afterwards sees it under the essay.
    page.goto(ESSAY)
    section = page.locator("#ervaringen-van-lezers")
    expect(section.get_by_role("heading", name="Wie mag er aan tafel?")).to_be_visible()
    expect(section).to_contain_text(STORY)
    expect(section).to_contain_text("Sanne Visser, Griffier")
    section.scroll_into_view_if_needed()
    reader.screenshot("experience-published")


def test_publishing_comes_with_a_choice_made_and_a_mistake_gets_the_focus(
    reader: Reader, essay: EssayPage
) -> None:
    page = reader.page
    page.goto("/nieuw-publiek-werken/#ervaring")
    page.get_by_label("Jullie mogen mijn ervaring op deze pagina publiceren").check()
    without = page.get_by_label("zonder mijn naam", exact=True)
    expect(without).to_be_visible()
    expect(without).to_be_checked()
    page.locator("#message_name").fill("Sanne Visser")
    page.locator("#message_email").fill("sanne@")
    page.locator("#message_text").fill("Zo ging het bij ons.")
    page.get_by_role("button", name="Verstuur naar de auteurs").click()
    email = page.locator("#message_email")
    expect(email).to_be_focused()
    expect(email).to_be_in_viewport()
    assert page.locator("#message_email-error").inner_text()
