from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import strip_tags
from wagtail.images import get_image_model

from voorproef.essays.demo.loader import SEED, demo_load
from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db


def _page_text(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return " ".join(strip_tags(html).split()).replace("&quot;", '"')


def test_every_paragraph_of_the_seed_teaser_is_on_the_page(
    client: Client, essay: EssayPage
) -> None:
    text = _page_text(client, essay.url)
    seed = SEED.read_text(encoding="utf-8")
    teaser = seed.split("Ervaring 1", 1)[1].split("Geef een reactie", 1)[0]
    for line in teaser.splitlines():
        line = " ".join(re.sub(r"^PubliekeWerken\d", "", line).replace("\xa0", " ").split())
        if line:
            assert line in text, line[:60]


def test_the_seed_image_marks_become_illustrations_with_alt_text(essay: EssayPage) -> None:
    experiences = [b for b in essay.body if b.block_type == "experience"]
    assert len(experiences) == 3
    images = [b.value["image"] for b in experiences]
    images += [b.value["image"] for b in essay.body if b.block_type == "image"]
    assert len(images) == 4
    for image in images:
        assert image.width >= 1200
        assert image.default_alt_text.startswith("Abstracte illustratie")
    assert "PubliekeWerken" not in str(essay.body.raw_data)


def test_it_names_only_the_authors_the_seed_names(essay: EssayPage) -> None:
    assert essay.author_names == ["Frank van Erkel", "Pieter Tops"]


def test_loading_twice_changes_nothing(essay: EssayPage) -> None:
    images = get_image_model().objects.count()
    assert demo_load() is None
    call_command("load_demo", verbosity=0)
    assert EssayPage.objects.count() == 1
    assert get_image_model().objects.count() == images


def test_it_loads_into_an_empty_site(client: Client, essay: EssayPage) -> None:
    essay.get_parent().delete()
    assert client.get("/").status_code == 404

    assert demo_load() is not None
    assert client.get("/").status_code == 200
    assert client.get("/nieuw-publiek-werken/").status_code == 200
