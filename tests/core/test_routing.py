"""Routes are remembered between requests, and forgotten as soon as the pages change: an
unpublished, renamed or restricted essay is never served from a remembered route."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
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
