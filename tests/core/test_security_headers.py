"""Every kind of public page says what a browser may run on it, even from the page cache."""

from __future__ import annotations

import pytest
from django.test import Client

from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/nieuw-publiek-werken/",
    "/nieuw-publiek-werken/download/verstuurd/",
    "/nieuw-publiek-werken/bericht/verstuurd/",
    "/nieuw-publiek-werken/reacties/feed/",
    "/feed/",
    "/privacy/",
    "/mijn-gegevens/",
    "/mijn-gegevens/verstuurd/",
    "/mijn-gegevens/een-link-die-niemand-kreeg/",
    "/sitemap.xml",
    "/robots.txt",
    "/pagina-die-niet-bestaat/",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_responses_carry_a_strict_policy_and_the_usual_headers(
    client: Client, url: str
) -> None:
    for attempt in range(2):  # the second answer may come from the page cache
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", (url, attempt)
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_pages_with_a_key_in_the_address_send_no_referrer(client: Client, essay: EssayPage) -> None:
    from voorproef.comments.services import author_key

    comment = Comment.objects.create(essay=essay, name="A", email="a@example.nl", text="x")
    response = client.get(f"/nieuw-publiek-werken/?reactie={author_key(comment)}")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_admin_is_left_to_wagtail(editor_client: Client) -> None:
    assert "Content-Security-Policy" not in editor_client.get("/admin/")
