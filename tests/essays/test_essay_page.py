from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client, override_settings

from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    """Collects the start tags of a page with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **match: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k.replace("_", ":")) == v for k, v in match.items())
        ]


def _get(client: Client, url: str) -> tuple[str, _Tags]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    tags = _Tags()
    tags.feed(html)
    return html, tags


def test_it_shows_title_authors_and_the_three_experiences_in_dutch(
    client: Client, essay: EssayPage
) -> None:
    html, _ = _get(client, essay.url)
    assert '<html lang="nl">' in html
    assert '<h1 class="essay-title">Nieuw Publiek Werken</h1>' in html
    assert "Door Frank van Erkel en Pieter Tops" in html
    for number in (1, 2, 3):
        assert f">Ervaring {number}</h2>" in html
    assert "Een half jaar geleden werd ik gevraagd" in html
    assert "Wil je verder lezen?" in html


def test_it_shows_nothing_that_stands_below_the_gate(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    body = list(essay.body.raw_data)
    body.append({"type": "paragraph", "value": "<p>Alleen in de pdf.</p>"})
    essay.body = body
    publish(essay)

    html, _ = _get(client, essay.url)
    assert "Wil je verder lezen?" in html
    assert "Alleen in de pdf." not in html


def test_without_a_gate_the_whole_text_is_public(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    essay.body = [b for b in essay.body.raw_data if b["type"] != "gate"] + [
        {"type": "paragraph", "value": "<p>Het slot van het essay.</p>"}
    ]
    publish(essay)

    html, _ = _get(client, essay.url)
    assert "Het slot van het essay." in html
    assert 'id="verder-lezen"' not in html


def test_images_are_responsive_sized_and_lazy_below_the_fold(
    client: Client, essay: EssayPage
) -> None:
    _, tags = _get(client, essay.url)
    images = tags.find("img")
    assert len(images) == 5  # the hero and the four illustrations of the seed
    for image in images:
        assert image["srcset"] and image["srcset"].count("w,") >= 3
        assert image["sizes"]
        assert image["width"] and image["height"]
        assert image["alt"], "every illustration has alt text"
    hero, *below = images
    assert hero.get("loading") is None and hero["fetchpriority"] == "high"
    assert all(image["loading"] == "lazy" for image in below)


def test_the_head_tells_search_engines_and_social_media_what_the_page_is(
    client: Client, essay: EssayPage, settings: object
) -> None:
    html, tags = _get(client, essay.url)
    canonical = "http://127.0.0.1:8000/nieuw-publiek-werken/"
    assert tags.find("link", rel="canonical")[0]["href"] == canonical
    assert tags.find("meta", property="og:url")[0]["content"] == canonical
    assert tags.find("meta", property="og:type")[0]["content"] == "article"
    assert "kramp van institutionele machteloosheid" in (
        tags.find("meta", name="description")[0]["content"] or ""
    )
    og_image = tags.find("meta", property="og:image")[0]["content"] or ""
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/media/images/.+\.jpg", og_image)
    assert tags.find("meta", name="twitter:card")[0]["content"] == "summary_large_image"
    links = tags.find("link", rel="alternate", type="application/atom+xml")
    feeds = [str(link["href"]) for link in links]
    assert sorted(feeds) == [
        "http://127.0.0.1:8000/feed/",
        "http://127.0.0.1:8000/nieuw-publiek-werken/reacties/feed/",
    ]

    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert ld
    article = json.loads(ld.group(1))
    assert article["@type"] == "Article"
    assert article["headline"] == "Nieuw Publiek Werken"
    assert [a["name"] for a in article["author"]] == ["Frank van Erkel", "Pieter Tops"]
    assert article["image"] == og_image
    assert article["inLanguage"] == "nl"


def test_json_ld_cannot_be_broken_out_of_by_a_title(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    essay.title = "</script><script>alert(1)</script>"
    publish(essay)

    html, _ = _get(client, essay.url)
    assert "<script>alert(1)</script>" not in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert ld and json.loads(ld.group(1))["headline"] == essay.title


def test_the_page_speaks_english_when_the_site_language_is_english(
    client: Client, essay: EssayPage
) -> None:
    with override_settings(LANGUAGE_CODE="en"):
        html, _ = _get(client, essay.url)
    assert '<html lang="en">' in html
    assert "By Frank van Erkel and Pieter Tops" in html
    assert ">Experience 1</h2>" in html


def test_the_download_invitation_leads_to_the_gate(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    html, _ = _get(client, essay.url)
    assert "Dit gehele essay als PDF in je inbox?" in html
    assert 'href="#download-form"' in html
    assert 'id="download-form"' in html

    essay.download_enabled = False
    publish(essay)
    html, _ = _get(client, essay.url)
    assert "Dit gehele essay als PDF in je inbox?" not in html


def test_a_draft_is_not_shown_until_it_is_published(client: Client, essay: EssayPage) -> None:
    essay.title = "Een nieuwe titel"
    essay.save_revision()

    html, _ = _get(client, essay.url)
    assert "Een nieuwe titel" not in html


def test_a_new_comment_leaves_the_rendered_essay_kept_and_a_publish_renders_it_afresh(
    client: Client, essay: EssayPage, committed: Any, publish: Any, settings: Any
) -> None:
    """After a comment only the discussion is rendered again; after a publish the text too."""
    from voorproef.comments.models import Comment

    settings.PAGE_CACHE_SECONDS = 0  # the page is rendered each time; its parts may be kept

    def rendered(response: Any) -> set[str]:
        return {template.name for template in response.templates}

    assert "essays/includes/essay_text.html" in rendered(client.get(essay.url))
    with committed():
        Comment.objects.create(
            essay=essay, name="Anna", email="anna@example.nl", text="Nieuw.", status="approved"
        )
    response = client.get(essay.url)
    assert "Nieuw." in response.content.decode()
    assert "comments/includes/comment_list.html" in rendered(response)
    assert "essays/includes/essay_text.html" not in rendered(response)
    essay.introduction = "Een nieuwe inleiding."
    publish(essay)
    response = client.get(essay.url)
    assert "Een nieuwe inleiding." in response.content.decode()
    assert "essays/includes/essay_text.html" in rendered(response)
