"""Editors write, preview, schedule and publish essays in the Wagtail admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from voorproef.essays.models import EssayPage, HomePage

pytestmark = pytest.mark.django_db


def _essay_form(**overrides: Any) -> dict[str, Any]:
    image = get_image_model().objects.first()
    assert image is not None
    data = {
        "title": "Het tweede essay",
        "slug": "het-tweede-essay",
        "subtitle": "Over gemeenten en hun raden",
        "authors": inline_formset([{"name": "Pieter Tops", "description": ""}]),
        "date": "2026-12-01",
        "hero_image": image.pk,
        "hero_caption": "",
        "introduction": "Een korte inleiding.",
        "download_invitation": "Het hele essay als pdf?",
        "body": streamfield(
            [
                ("heading", {"text": "Begin", "level": "h2"}),
                ("paragraph", rich_text("<p>Openbare alinea.</p>")),
                (
                    "experience",
                    {
                        "title": "",
                        "image": {"image": image.pk, "decorative": False, "alt_text": "Stippen"},
                        "text": rich_text("<p>Een ervaring uit de praktijk.</p>"),
                    },
                ),
                ("quote", {"text": "Het kraakt en het piept.", "attribution": "Een wethouder"}),
                (
                    "image",
                    {
                        "image": {"image": image.pk, "decorative": True, "alt_text": ""},
                        "caption": "Een onderschrift",
                        "wide": False,
                    },
                ),
                ("gate", {"heading": "Wil je verder lezen?", "text": rich_text("<p>Vul in.</p>")}),
                ("paragraph", rich_text("<p>Alleen voor wie de pdf vraagt.</p>")),
            ]
        ),
        "seo_title": "",
        "search_description": "",
        "share_image": "",
        "go_live_at": "",
        "expire_at": "",
        "download_enabled": "on",
        "download_form_lead": "",
        "delivery_mode": "direct",
        "link_valid_days": "30",
        "attach_pdf": "on",
        "newsletter_text": "",
        "pdf_document": "",
        "messages_enabled": "on",
        "comments_enabled": "on",
    }
    data.update(overrides)
    return nested_form_data(data)


def _add_url() -> str:
    return f"/admin/pages/add/essays/essaypage/{HomePage.objects.get().pk}/"


def test_the_admin_speaks_dutch_and_opens_the_demo_essay(
    editor_client: Client, essay: EssayPage
) -> None:
    response = editor_client.get(f"/admin/pages/{essay.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "Ervaring" in html  # the block's Dutch label
    assert "Nieuw Publiek Werken" in html


def test_an_editor_writes_and_publishes_a_new_essay(
    client: Client, editor_client: Client, committed: Any
) -> None:
    client.get("/")  # cached before the new essay exists
    with committed():
        response = editor_client.post(_add_url(), {**_essay_form(), "action-publish": "publish"})
    assert response.status_code == 302, response.content.decode()[:2000]

    page = EssayPage.objects.get(slug="het-tweede-essay")
    assert page.live
    html = client.get(page.url).content.decode()
    assert "Openbare alinea." in html
    assert ">Ervaring 1</h2>" in html
    assert "Het kraakt en het piept." in html
    assert 'alt=""' in html  # the decorative image
    assert "Alleen voor wie de pdf vraagt." not in html
    assert "Het tweede essay" in client.get("/").content.decode()


def test_a_gate_block_is_allowed_only_once(editor_client: Client) -> None:
    form = _essay_form()
    gate = {"heading": "Nog een poort", "text": rich_text("<p>Twee.</p>")}
    body = streamfield([("gate", gate), ("gate", gate)])
    form.update(nested_form_data({"body": body}))
    response = editor_client.post(_add_url(), {**form, "action-publish": "publish"})
    assert response.status_code == 200  # the form again, with the error
    assert not EssayPage.objects.filter(slug="het-tweede-essay").exists()


def test_an_editor_previews_a_draft_that_readers_do_not_see(
    client: Client, editor_client: Client, essay: EssayPage
) -> None:
    data = _essay_form(title="Nieuw Publiek Werken (concept)", slug=essay.slug)
    preview_url = f"/admin/pages/{essay.pk}/edit/preview/"
    assert editor_client.post(preview_url, data).json()["is_valid"] is True
    preview = editor_client.get(preview_url).content.decode()
    assert "Nieuw Publiek Werken (concept)" in preview
    assert "Nieuw Publiek Werken (concept)" not in client.get(essay.url).content.decode()


def test_a_scheduled_essay_goes_live_when_its_time_comes(
    client: Client, editor_client: Client, committed: Any
) -> None:
    later = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    with committed():
        editor_client.post(_add_url(), {**_essay_form(go_live_at=later), "action-publish": "p"})
    page = EssayPage.objects.get(slug="het-tweede-essay")
    assert not page.live
    assert client.get("/het-tweede-essay/").status_code == 404

    # An hour passes: the scheduled moment now lies in the past.
    past = timezone.now() - timedelta(minutes=1)
    revision = Revision.objects.get(object_id=str(page.pk), approved_go_live_at__isnull=False)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    with committed():
        call_command("scheduler", "--once")
    assert client.get("/het-tweede-essay/").status_code == 200
