"""Real attack strings in every field: stored or refused, never run, never a server error."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage

from .helpers import ESSAY, approved, post_comment

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    'https://x.example/"onmouseover="alert(1)',
    "https://x.example/<script>alert(1)</script>",
    '<a href="javascript:alert(1)">klik</a>',
    "{{ settings.SECRET_KEY }} {% debug %}",
    "'; DROP TABLE comments_comment; --",
    "\u202eevil\u202c",
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
]


class _ActiveMarkup(HTMLParser):
    """Everything in a page that could run: scripts other than the site's own, event
    attributes, javascript: addresses, frames, embedded SVG and style sheets."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own_script = values.get("type") == "application/ld+json" or (
            values.get("src") or ""
        ).startswith("/static/")
        if tag == "script" and not own_script:
            self.found.append(f"<script {values}>")
        if tag in {"iframe", "svg", "style", "object", "embed"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value}")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.found.append(f"{tag} {name}={value}")


def active_markup(html: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["text", "name", "url"])
def test_a_hostile_string_is_stored_inert_or_refused(
    client: Client, essay: EssayPage, field: str, payload: str
) -> None:
    fields: dict[str, Any] = {field: payload}
    response = post_comment(client, **fields)
    assert response.status_code in {302, 400}
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(ESSAY)
    assert page.status_code == 200
    assert active_markup(page.content.decode()) == []
    # A feed reader renders each entry's HTML: that must be as inert as the page.
    feed = ElementTree.fromstring(client.get(ESSAY + "reacties/feed/").content)
    summaries = list(feed.iter("{http://www.w3.org/2005/Atom}summary"))
    assert len(summaries) == (1 if response.status_code == 302 else 0)
    for summary in summaries:
        assert active_markup(summary.text or "") == []
    assert Comment.objects.count() <= 1


def test_hostile_strings_stay_inert_in_the_admin_and_the_moderation_mail(
    client: Client, editor_client: Client, settings: object
) -> None:
    from voorproef.mail.models import OutgoingMail

    settings.EDITORS_EMAIL = "redactie@example.nl"  # type: ignore[attr-defined]
    post_comment(client, text=PAYLOADS[1], name=PAYLOADS[0])
    comment = Comment.objects.get()
    for html in (
        editor_client.get("/admin/snippets/comments/comment/").content.decode(),
        editor_client.get(f"/admin/snippets/comments/comment/edit/{comment.pk}/").content.decode(),
        OutgoingMail.objects.get().body_html,
    ):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert not any("alert" in found for found in active_markup(html))
    approved(comment.essay)  # the page renders with it in place
