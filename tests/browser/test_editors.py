"""The editors' side in a real browser, in the Dutch admin."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Reader
from voorproef.essays.models import EssayPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_panel_shows_the_draft_inside_the_editor(
    editor_reader: Reader, essay: EssayPage
) -> None:
    page = editor_reader.page
    page.goto(f"/admin/pages/{essay.pk}/edit/")
    page.get_by_role("textbox", name="Titel").first.fill("Nieuw Publiek Werken, herzien")
    page.get_by_role("button", name="Voorvertoning").first.click()
    frame = page.frame_locator("iframe[title*='voorvertoning' i], .preview-panel iframe").first
    heading = frame.locator("h1").first
    heading.wait_for(timeout=15000)
    assert "Nieuw Publiek Werken, herzien" in heading.inner_text()
    editor_reader.screenshot("admin-preview-panel")


def test_an_editor_approves_a_comment_with_one_click(
    editor_reader: Reader, essay: EssayPage
) -> None:
    from tests.comments.helpers import approved
    from voorproef.comments.models import Comment

    approved(essay, text="Al goedgekeurd, dank voor het essay.", name="Anna de Vries")
    held = approved(
        essay,
        status=Comment.Status.PENDING,
        text="Zie https://example.nl voor onze ervaringen in de gemeente.",
        name="Joost Bakker",
        reason="bevat een link",
    )
    page = editor_reader.page
    page.goto("/admin/snippets/comments/comment/")
    editor_reader.screenshot("admin-comments-desktop")
    page.get_by_role("button", name="Goedkeuren: reactie van Joost Bakker").click()
    page.wait_for_load_state("networkidle")
    assert "De reactie van Joost Bakker is nu: goedgekeurd." in page.content()
    held.refresh_from_db()
    assert held.status == "approved"
