from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.support import without_form_token
from voorproef.core import guards
from voorproef.essays.models import EssayPage, HomePage

pytestmark = pytest.mark.django_db


def test_an_anonymous_reader_gets_the_essay_from_the_cache(
    client: Client, essay: EssayPage, django_assert_max_num_queries: object
) -> None:
    first = client.get(essay.url)
    assert first["X-Cache"] == "MISS"

    with django_assert_max_num_queries(0):  # type: ignore[operator]
        second = client.get(essay.url)
    assert second["X-Cache"] == "HIT"
    assert without_form_token(second.content) == without_form_token(first.content)
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_publishing_shows_the_new_version_at_once(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    client.get(essay.url)
    client.get("/")
    essay.title = "Nieuw Publiek Werken, herzien"
    publish(essay)

    for url in (essay.url, "/"):
        response = client.get(url)
        assert response["X-Cache"] == "MISS"
        assert "Nieuw Publiek Werken, herzien" in response.content.decode()


def test_unpublishing_removes_the_page_at_once(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    assert client.get(essay.url).status_code == 200
    with committed():
        essay.unpublish()

    assert client.get(essay.url).status_code == 404
    assert "Nieuw Publiek Werken" not in client.get("/").content.decode()


def test_a_page_made_private_is_not_served_from_the_cache(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    client.get(essay.url)
    with committed():
        PageViewRestriction.objects.create(
            page=essay, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    response = client.get(essay.url)
    assert "Een half jaar geleden" not in response.content.decode()


def test_an_editor_gets_a_fresh_page_with_the_userbar(
    client: Client, editor_client: Client, essay: EssayPage
) -> None:
    client.get(essay.url)  # cached for anonymous readers
    response = editor_client.get(essay.url)
    assert "X-Cache" not in response
    assert "wagtail-userbar" in response.content.decode()
    assert "wagtail-userbar" not in client.get(essay.url).content.decode()


def test_tracking_parameters_share_the_cached_page(client: Client, essay: EssayPage) -> None:
    client.get(essay.url)
    assert client.get(f"{essay.url}?utm_source=nieuwsbrief&fbclid=x")["X-Cache"] == "HIT"


def test_other_query_strings_are_never_cached(client: Client, essay: EssayPage) -> None:
    response = client.get(f"{essay.url}?anything=1")
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "X-Cache" not in client.get(f"{essay.url}?anything=2")


def test_a_changed_home_page_purges_the_cache(client: Client, publish: Any) -> None:
    home = HomePage.objects.get()
    client.get("/")
    home.introduction = "<p>Essays over het publieke domein.</p>"
    publish(home)
    assert "Essays over het publieke domein." in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/nieuw-publiek-werken/",
        "/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/bestaat-niet/",
    ],
)
def test_no_anonymous_get_sets_a_cookie(client: Client, url: str) -> None:
    for _ in range(2):  # a miss and a hit
        response = client.get(url)
        assert response.status_code in {200, 404}
        assert not response.cookies, f"{url} set {list(response.cookies)}"


@pytest.mark.parametrize("path", ["/nieuw-publiek-werken/", "/mijn-gegevens/", "/"])
def test_the_length_a_page_announces_is_the_length_it_has_after_its_fresh_form_token(
    client: Client, path: str
) -> None:
    # A server that trusts Content-Length cuts the page off where the header says it ends; one
    # given none sends the page in chunks, which a caching proxy in front then serves slower.
    for cache in ("MISS", "HIT"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["X-Cache"] == cache
        assert int(response["Content-Length"]) == len(response.content)
        assert response.content.rstrip().endswith(b"</html>")


def test_pages_from_the_cache_a_second_apart_carry_each_their_own_token(
    client: Client, essay: EssayPage, settings: Any
) -> None:
    settings.FORM_MIN_SECONDS = 0
    client.get(essay.url)  # rendered
    pages = [client.get(essay.url)]
    time.sleep(1.1)
    pages.append(client.get(essay.url))
    assert [page["X-Cache"] for page in pages] == ["HIT", "HIT"]
    tokens = [
        re.findall(r'name="form_token" value="([^"]+)"', page.content.decode()) for page in pages
    ]
    assert len(set(tokens[0])) == 1 and len(set(tokens[1])) == 1  # the page's forms, one token
    assert tokens[0][0] != tokens[1][0]
    for token in (tokens[0][0], tokens[1][0]):
        assert guards.form_token_check(token) is None  # the site's own, and not too old


def test_a_proxy_in_front_may_keep_public_pages_for_a_few_seconds_and_nothing_private(
    client: Client, essay: EssayPage
) -> None:
    for _ in range(2):  # rendered, then from the cache
        assert client.get("/nieuw-publiek-werken/")["X-Accel-Expires"] == "5"
    assert "X-Accel-Expires" not in client.get("/nieuw-publiek-werken/?reactie=1:x")
    assert "X-Accel-Expires" not in client.get("/mijn-gegevens/iets/")
    assert "X-Accel-Expires" not in client.get("/pagina-die-niet-bestaat/")


def test_the_page_cache_can_be_turned_off(client: Client, essay: EssayPage, settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        response = client.get("/nieuw-publiek-werken/")
        assert response.status_code == 200 and "X-Cache" not in response


def test_rendering_the_essay_again_writes_nothing_to_the_shared_cache(
    client: Client, essay: EssayPage, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Writing Wagtail's image sizes back on every view made each render several times slower.
    from django.core.cache import caches

    settings.PAGE_CACHE_SECONDS = 0
    client.get("/nieuw-publiek-werken/")
    writes: list[str] = []
    shared = caches["default"]
    monkeypatch.setattr(shared, "set", lambda key, *a, **k: writes.append(key))
    monkeypatch.setattr(shared, "set_many", lambda data, *a, **k: writes.extend(data))
    assert client.get("/nieuw-publiek-werken/").status_code == 200
    assert writes == []
