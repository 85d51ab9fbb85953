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


def test_an_editor_moderates_from_the_keyboard_and_answers_as_the_editors(
    editor_reader: Reader, essay: EssayPage
) -> None:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.comments.helpers import approved
    from voorproef.comments.models import Comment

    get_user_model().objects.filter(username="redactie").update(
        first_name="Marieke", last_name="Jansen"
    )
    older = approved(
        essay,
        status=Comment.Status.PENDING,
        name="Joost Bakker",
        text="Zie https://example.nl voor onze ervaringen.",
        created_at=timezone.now() - timedelta(hours=1),
    )
    newest = approved(
        essay,
        status=Comment.Status.PENDING,
        name="Lotte de Wit",
        email="lotte@example.nl",
        text="Werkt dit ook in een kleine gemeente?",
    )
    page = editor_reader.page
    page.goto("/admin/snippets/comments/comment/")
    assert "Sneltoetsen" in page.locator(".comment-shortcuts").inner_text()
    page.keyboard.press("j")  # Lotte's, the newest
    page.keyboard.press("j")  # Joost's
    assert "Joost Bakker" in page.locator("tr.comment-row--current").inner_text()
    page.keyboard.press("a")
    page.wait_for_load_state("networkidle")
    assert "De reactie van Joost Bakker is nu: goedgekeurd." in page.content()
    older.refresh_from_db()
    assert older.status == "approved"

    page.keyboard.press("j")
    page.keyboard.press("r")
    page.get_by_role("textbox", name="Je antwoord").fill("Ja: Zundert deed het in 2024.")
    page.get_by_role("button", name="Goedkeuren en beantwoorden").click()
    page.wait_for_load_state("networkidle")
    assert "Je antwoord aan Lotte de Wit staat bij het essay." in page.content()
    newest.refresh_from_db()
    assert newest.status == "approved"

    page.goto(essay.url)
    reply = page.locator(".comment--editors")
    assert "Marieke Jansen" in reply.inner_text()
    assert "REDACTIE" in reply.locator(".comment__badge").inner_text().upper()
    reply.scroll_into_view_if_needed()
    editor_reader.screenshot("comments-editors-reply")


def test_scheduling_keeps_its_button_in_sight_and_refuses_a_moment_gone_by(
    editor_reader: Reader, essay: EssayPage
) -> None:
    from wagtail.models import Revision

    revisions = Revision.objects.count()
    page = editor_reader.page
    page.goto(f"/admin/pages/{essay.pk}/edit/")
    page.locator("[data-side-panel-toggle='status']").first.click()
    page.locator("[data-a11y-dialog-show='schedule-publishing-dialog']").first.click()
    dialog = page.locator("#schedule-publishing-dialog")
    # The dialog names the step the way the publish menu does.
    assert "„Publicatie inplannen”" in dialog.inner_text()
    go_live = dialog.locator("input[name=go_live_at]")
    go_live.click()
    picker = dialog.locator(".xdsoft_datetimepicker").first
    save = dialog.get_by_role("button", name="Schema opslaan")
    picker.wait_for()
    opened, button = picker.bounding_box(), save.bounding_box()
    assert opened is not None and button is not None
    assert button["y"] >= opened["y"] + opened["height"]
    editor_reader.screenshot("admin-schedule-dialog")

    go_live.fill("2020-01-06 10:00")
    dialog.get_by_role("heading").first.click()  # the picker closes
    save.click()
    page.wait_for_load_state("networkidle")
    assert "Dit moment is al voorbij." in page.content()
    essay.refresh_from_db()
    assert essay.go_live_at is None
    assert Revision.objects.count() == revisions


# The width of the widest word in each cell against the cell's own width.
_SQUEEZED = """
() => [...document.querySelectorAll("table.vp-cards tbody td")].flatMap(cell => {
  const style = getComputedStyle(cell);
  const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()];
      const width = Math.max(...rects.map(r => r.width), 0);
      if (rects.length > 1 || width > room + 1) found.push(match[0] + " " + width + ">" + room);
    }
  }
  return found;
})
"""


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/admin/snippets/comments/comment/", "admin-comments-phone"),
        ("/admin/download_requests/", "admin-leads-phone"),
        ("/admin/inbox/", "admin-inbox-phone"),
    ],
)
def test_the_lists_read_on_a_phone(
    editor_reader: Reader, essay: EssayPage, url: str, name: str
) -> None:
    from tests.comments.helpers import approved
    from tests.downloads.helpers import requested
    from voorproef.comments.models import Comment
    from voorproef.inbox.models import ReaderMessage

    approved(
        essay,
        status=Comment.Status.PENDING,
        text="Herkenbaar: bij ons in de gemeente werkte het precies zo, tot de verkiezingen.",
        name="Joost Bakker",
        reason="eerste reactie van dit adres",
    )
    requested(essay, name="Anna de Vries")
    ReaderMessage.objects.create(
        essay=essay,
        name="Sanne Visser",
        email="sanne@example.nl",
        organisation="Gemeente Utrecht",
        text="Wij hebben de raad vanaf het begin laten meedenken.",
    )
    editor_reader.page.set_viewport_size({"width": 390, "height": 844})
    editor_reader.page.goto(url)
    assert editor_reader.page.locator("table.vp-cards tbody tr").count() >= 1
    assert editor_reader.page.evaluate(_SQUEEZED) == []
    editor_reader.screenshot(name)


@pytest.mark.parametrize(
    ("width", "height", "device"), [(1366, 900, "desktop"), (390, 844, "phone")]
)
def test_the_dashboard_shows_a_working_day_at_a_glance(
    editor_reader: Reader, essay: EssayPage, width: int, height: int, device: str
) -> None:
    from tests.comments.helpers import approved
    from tests.downloads.helpers import requested
    from voorproef.comments.models import Comment
    from voorproef.downloads.services import download_serve
    from voorproef.mail.models import OutgoingMail

    approved(
        essay,
        status=Comment.Status.PENDING,
        text="Herkenbaar: bij ons in de gemeente werkte het precies zo.",
        name="Joost Bakker",
        reason="eerste reactie van dit adres",
    )
    request, _raw = requested(essay, name="Anna de Vries", newsletter=True)
    requested(essay, name="Pieter de Groot", email="pieter@example.nl")
    download_serve(request=request)
    OutgoingMail.objects.create(
        kind="download",
        to="p.degroot@example.invalid",
        subject="Je exemplaar van „Nieuw Publiek Werken”",
        body_text="…",
        body_html="…",
        status=OutgoingMail.Status.FAILED,
        attempts=1,
        last_error="550 5.1.1 <p.degroot@example.invalid>: Recipient address rejected",
    )
    page = editor_reader.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/admin/")
    assert "1 mail is niet verstuurd" in page.locator("#failed-mail-section").inner_text()
    counts = page.locator("#download-counts-section")
    row = counts.locator("tbody tr").filter(has_text="Nieuw Publiek Werken")
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()][1:] == ["2", "—", "1"]
    editor_reader.screenshot(f"admin-dashboard-{device}")
    page.goto("/admin/download_requests/")
    assert page.locator("table.vp-cards tbody tr").count() == 2
    editor_reader.screenshot(f"admin-leads-{device}")
