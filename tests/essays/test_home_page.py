from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from voorproef.essays.models import EssayAuthor, EssayPage, HomePage

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_published_essay(client: Client, essay: EssayPage) -> None:
    html = client.get("/").content.decode()
    assert '<a href="/nieuw-publiek-werken/">Nieuw Publiek Werken</a>' in html
    assert "Frank van Erkel en Pieter Tops" in html
    assert "kramp van institutionele machteloosheid" in html  # the teaser
    assert 'srcset="/media/images/' in html


def test_an_unpublished_essay_is_not_listed(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    with committed():
        essay.unpublish()
    html = client.get("/").content.decode()
    assert "Nieuw Publiek Werken" not in html
    assert "Er zijn nog geen essays gepubliceerd." in html


def test_newest_essays_come_first_twenty_to_a_page(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    home = HomePage.objects.get()
    for number in range(1, 21):
        page = EssayPage(
            title=f"Essay nummer {number}",
            date=essay.date.replace(year=essay.date.year + 1, day=1),
            body=[{"type": "paragraph", "value": f"<p>Tekst {number}</p>"}],
        )
        page.authors.add(EssayAuthor(name="Een auteur"))
        home.add_child(instance=page)
        publish(page)

    first = client.get("/").content.decode()
    assert "Essay nummer" in first and "Nieuw Publiek Werken" not in first
    second = client.get("/?pagina=2").content.decode()
    assert "Nieuw Publiek Werken" in second
    assert client.get("/?pagina=abc").status_code == 200
