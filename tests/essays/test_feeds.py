from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_atom_feed_lists_the_essay_with_its_address_and_authors(
    client: Client, essay: EssayPage
) -> None:
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Nieuw Publiek Werken"
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == "http://127.0.0.1:8000/nieuw-publiek-werken/"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Frank van Erkel en Pieter Tops"
    assert "institutionele machteloosheid" in (entry.findtext(f"{ATOM}summary") or "")


def test_the_sitemap_lists_home_essay_and_privacy_statement_at_the_site_address(
    client: Client, essay: EssayPage
) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [
        loc.text
        for loc in ET.fromstring(response.content).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    assert locations == [
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8000/nieuw-publiek-werken/",
        "http://127.0.0.1:8000/privacy/",
    ]


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(
    client: Client,
) -> None:
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
