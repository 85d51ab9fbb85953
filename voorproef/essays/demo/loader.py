"""Builds the demo essay, Nieuw Publiek Werken, from the seed text that ships beside this file."""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page, Site

from voorproef.privacy.services import privacy_page_ensure

from ..models import EssayAuthor, EssayPage, HomePage
from .illustrations import ILLUSTRATIONS, render_png

SEED = Path(__file__).with_name("nieuw-publiek-werken.txt")
SLUG = "nieuw-publiek-werken"
TITLE = "Nieuw Publiek Werken"
# The seed names these two; the third author is the narrator ("ik"), whose name it does not give.
AUTHORS = ["Frank van Erkel", "Pieter Tops"]
GATE_HEADING = "Wil je verder lezen?"
RENDITIONS = [
    "width-{640,960,1280,1920}|format-webp",
    "width-{480,720,960,1440}|format-webp",
    "fill-{480x300,800x500,1200x750}|format-webp",
    "fill-1200x630|format-jpeg",
]
_IMAGE_MARK = re.compile(r"^(PubliekeWerken\d+)(.*)$", re.DOTALL)


@dataclass
class SeedEssay:
    download_invitation: str = ""
    message_invitation: str = ""
    download_form_lead: str = ""
    comments_heading: str = ""
    comments_note: str = ""
    body: list[dict[str, Any]] = field(default_factory=list)


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def _block(block_type: str, value: Any) -> dict[str, Any]:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def seed_parse(text: str, images: dict[str, int]) -> SeedEssay:
    """Map the seed's lines onto the page: its prompts, then the body up to the gate.

    `images` maps the seed's image marks (PubliekeWerken1…) to image ids. The parser is strict:
    a seed of another shape fails loudly rather than publishing a garbled essay.
    """
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    seed = SeedEssay()
    assert lines[0].lower().startswith(TITLE.lower()), "the seed starts with the essay's title"
    seed.download_invitation, seed.message_invitation, seed.download_form_lead = lines[1:4]

    position = 4
    while position < len(lines):
        line = lines[position]
        position += 1
        if line.startswith("Ervaring "):
            story = lines[position]
            position += 1
            mark = _IMAGE_MARK.match(story)
            assert mark, f"an experience opens with an image mark: {story[:40]!r}"
            image_id, story_text = images[mark.group(1)], mark.group(2)
            seed.body.append(
                _block(
                    "experience",
                    {
                        "title": "",
                        "image": {"image": image_id, "decorative": False, "alt_text": ""},
                        "text": _paragraph(story_text),
                    },
                )
            )
        elif line == TITLE:
            seed.body.append(_block("heading", {"text": line, "level": "h2"}))
        elif mark := _IMAGE_MARK.match(line):
            seed.body.append(
                _block(
                    "image",
                    {
                        "image": {
                            "image": images[mark.group(1)],
                            "decorative": False,
                            "alt_text": "",
                        },
                        "caption": "",
                        "wide": True,
                    },
                )
            )
            seed.body.append(_block("paragraph", _paragraph(mark.group(2))))
        elif line.startswith(GATE_HEADING):
            rest = line.removeprefix(GATE_HEADING).strip()
            seed.body.append(_block("gate", {"heading": GATE_HEADING, "text": _paragraph(rest)}))
        elif line == "Geef een reactie":
            seed.comments_heading = line
            seed.comments_note = lines[position]
            position += 1
        else:
            seed.body.append(_block("paragraph", _paragraph(line)))
    assert any(b["type"] == "gate" for b in seed.body), "the seed has a gate"
    return seed


def _image_create(key: str, title: str, alt_text: str, png: bytes) -> Any:
    image_model = get_image_model()
    image = image_model(title=title, description=alt_text)
    image.file = ImageFile(ContentFile(png, name=f"{key}.png"), name=f"{key}.png")
    image.save()
    return image


def _home_page_ensure() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    assert root is not None
    home = HomePage(title="Essays", slug="home")
    # Wagtail's migrations leave a "Welcome" page at the top; a fresh site replaces it.
    welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
    if welcome is not None and welcome.is_leaf():
        welcome.delete()
        root.refresh_from_db()
    root.add_child(instance=home)
    home.save_revision().publish()

    address = urlsplit(settings.SITE_URL)
    default_port = 443 if address.scheme == "https" else 80
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": address.hostname,
            "port": address.port or default_port,
            "root_page": home,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    return home


@transaction.atomic
def demo_load() -> EssayPage | None:
    """Publish the demo essay; None when it is there already (the loader is idempotent)."""
    if EssayPage.objects.filter(slug=SLUG).exists():
        return None
    home = _home_page_ensure()

    images = {
        ill.key: _image_create(ill.key, ill.title, ill.alt_text, render_png(ill))
        for ill in ILLUSTRATIONS
    }
    seed = seed_parse(SEED.read_text(encoding="utf-8"), {k: i.pk for k, i in images.items()})
    essay = EssayPage(
        title=TITLE,
        slug=SLUG,
        date=timezone.localdate(),
        hero_image=images["omslag"],
        download_invitation=seed.download_invitation,
        download_form_lead=seed.download_form_lead,
        message_invitation=seed.message_invitation,
        newsletter_text="Houd mij per mail op de hoogte van nieuwe essays.",
        search_description=(
            "De lokale overheid lijkt gevangen in een kramp van institutionele machteloosheid. "
            "Het kraakt en het piept."
        ),
        body=seed.body,
    )
    essay.authors.set([EssayAuthor(name=name) for name in AUTHORS])
    home.add_child(instance=essay)
    essay.save_revision().publish()
    privacy_page_ensure()

    # Render the image sizes now, so the first reader does not wait for them.
    specs = [expanded for spec in RENDITIONS for expanded in Filter.expand_spec(spec)]
    for image in images.values():
        image.get_renditions(*specs)
    return essay
