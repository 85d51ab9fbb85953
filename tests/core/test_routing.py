"""Routes are remembered between requests, and forgotten as soon as the pages change: an
unpublished, renamed or restricted essay is never served from a remembered route."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db

ESSAY = "/nieuw-publiek-werken/"


def test_an_unpublished_essay_is_gone_at_once(
    client: Client, essay: EssayPage, committed: Any, settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(ESSAY).status_code == 200
    assert client.get(ESSAY).status_code == 200  # from the remembered route
    with committed():
        essay.unpublish()
    assert client.get(ESSAY).status_code == 404


def test_a_renamed_essay_is_not_served_at_its_old_address(
    client: Client, essay: EssayPage, committed: Any, publish: Any, settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(ESSAY).status_code == 200
    essay.slug = "nieuw-publiek-werken-herzien"
    publish(essay)
    assert client.get(ESSAY).status_code != 200
    assert client.get("/nieuw-publiek-werken-herzien/").status_code == 200


def test_a_restriction_applies_to_a_remembered_route(
    client: Client, essay: EssayPage, committed: Any, settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(ESSAY).status_code == 200
    with committed():
        PageViewRestriction.objects.create(
            page=essay, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    page = client.get(ESSAY).content.decode()
    assert 'name="password"' in page and "Wil je verder lezen?" not in page


def test_a_new_comment_shows_at_once_and_leaves_the_route_remembered(
    client: Client, essay: EssayPage, committed: Any, settings: Any
) -> None:
    """A comment changes what the page shows, not where it lives: the next reader's page has
    it, and reaching the page reads no site or page tree again."""
    from voorproef.comments.models import Comment

    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(ESSAY).status_code == 200
    with committed():
        Comment.objects.create(
            essay=essay, name="Anna", email="anna@example.nl", text="Nieuw.", status="approved"
        )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(ESSAY).content.decode()
    assert "Nieuw." in page
    assert not [q for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]
    assert not [q for q in queries.captured_queries if "essays_essaypage" in q["sql"]]


def test_a_remembered_page_is_read_once_and_a_publish_is_served_at_once(
    client: Client, essay: EssayPage, publish: Any, settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get(ESSAY).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert "Nieuw Publiek Werken" in client.get(ESSAY).content.decode()
    # Neither the page tree, the essay's own row (its text) nor its view restrictions (none)
    # are read again.
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "essays_essaypage" not in read and "pageviewrestriction" not in read

    essay.title = "Nieuw Publiek Werken, herzien"
    publish(essay)
    for _ in range(2):
        assert "Nieuw Publiek Werken, herzien" in client.get(ESSAY).content.decode()


def test_a_restricted_page_stays_restricted_on_its_remembered_route_and_its_password_counts(
    client: Client, essay: EssayPage, committed: Any, settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    with committed():
        restriction = PageViewRestriction.objects.create(
            page=essay, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    for _ in range(3):  # the first request finds the route, the others remember it
        page = client.get(ESSAY).content.decode()
        assert 'name="password"' in page and "Wil je verder lezen?" not in page
    action = f"/_util/authenticate_with_password/{restriction.pk}/{essay.pk}/"
    client.post(action, {"password": "geheim", "return_url": ESSAY})
    assert "Wil je verder lezen?" in client.get(ESSAY).content.decode()
