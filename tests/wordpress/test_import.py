"""Importing the theme unit test data: essays, images, threads, statuses, dates, old links,
and a second run that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex

from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage
from voorproef.wordpress.models import ImportedItem
from voorproef.wordpress.services import wordpress_import

from .helpers import MISSING, THEME, uploads_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return uploads_zip(THEME, tmp_path / "uploads.zip", leave_out={MISSING})


def _essay(slug: str) -> EssayPage:
    return EssayPage.objects.get(slug=slug)


def test_it_moves_the_theme_unit_test_data_in_and_a_second_run_changes_nothing(
    uploads: Path, client: Client
) -> None:
    before = EssayPage.objects.count()
    images_before = get_image_model().objects.count()
    report = wordpress_import(export=THEME, uploads=uploads)

    # Posts and pages, by their status; menus and attachments are no essays.
    assert report.posts["post"]["publish"]["created"] == 49
    assert report.posts["post"]["draft"]["created"] == 1
    assert report.posts["post"]["future"]["created"] == 1
    assert report.posts["page"]["publish"]["created"] == 21
    assert report.posts["nav_menu_item"]["publish"]["skipped"] == 70
    assert EssayPage.objects.count() == before + 72
    assert not report.posts["post"]["publish"].get("failed")

    # The "more" tag is the gate; title, author, dates in UTC.
    more = _essay("template-more-tag")
    assert more.live and [b.block_type for b in more.body].count("gate") == 1
    assert more.author_names == ["Theme Buster"]
    assert more.first_published_at == datetime(2012, 3, 15, 21, 41, 11, tzinfo=UTC)
    draft = EssayPage.objects.get(title="Draft")
    assert not draft.live
    scheduled = EssayPage.objects.get(title="Scheduled")
    assert not scheduled.live and scheduled.go_live_at is not None
    protected = EssayPage.objects.get(slug="template-password-protected")
    assert not protected.live  # imported as a draft, never public

    # Images: every attachment in the uploads, the missing one reported, the post still there.
    assert report.images["created"] == 35 and report.images["missing"] == 1
    assert get_image_model().objects.count() == images_before + 35
    assert any(MISSING in p["message"] for p in report.problems)
    aligned = _essay("markup-image-alignment")
    figures = [b.value for b in aligned.body if b.block_type == "image"]
    assert len(figures) >= 4  # resized variants (-300x200) found as the same picture
    assert ReferenceIndex.get_references_for_object(aligned).exists()  # the images' "usage"
    captioned = [
        b.value for b in _essay("post-format-image-caption").body if b.block_type == "image"
    ]
    assert captioned and captioned[0]["caption"]  # from [caption]
    assert _essay("template-featured-image-vertical").hero_image is not None
    blocks = _essay("block-image").body
    images = [b.value for b in blocks if b.block_type == "image"]
    assert images and any(v["caption"] for v in images)

    # Comments: threads ten deep, statuses, dates in UTC, no IP, pingbacks left out.
    assert report.comments["approved"]["created"] == 25
    assert report.comments["pending"]["created"] == 3
    assert report.comments["pingback"]["skipped"] == 2
    assert report.comments["trackback"]["skipped"] == 2
    thread = _essay("template-comments")
    comments = {c.text.split("\n")[0][:16]: c for c in Comment.objects.filter(essay=thread)}
    deepest = comments["Comment Depth 10"]
    assert deepest.depth == 10
    assert deepest.parent is not None and deepest.parent.text.startswith("Comment Depth 09")
    depth_two = comments["Comment Depth 02"]
    assert depth_two.created_at == datetime(2013, 3, 14, 15, 1, 21, tzinfo=UTC)
    assert depth_two.email == "example@example.org" and depth_two.url == "http://example.org/"
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3
    assert not Comment.objects.exclude(ip_network="").exists()

    # Old links lead to the new pages, permanently.
    response = client.get("/2012/03/15/template-more-tag/")
    assert response.status_code == 301 and response["Location"].endswith(more.url)
    assert client.get("/template-more-tag/").status_code in {200, 301}
    response = client.get(f"/?p={ImportedItem.objects.get(object_id=more.pk, kind='post').key}")
    assert response.status_code == 301 and response["Location"].endswith(more.url)
    assert Redirect.objects.filter(redirect_page=more).count() >= 3
    level = "%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf"  # "επίπεδο", as WordPress wrote it
    greek = f"/greek/{level}-2/{level}-3/"
    assert client.get(greek).status_code == 301  # a page's old address, in Greek

    # Run again: nothing new, nothing changed.
    counts = (
        EssayPage.objects.count(),
        Comment.objects.count(),
        get_image_model().objects.count(),
        Redirect.objects.count(),
    )
    revision = more.latest_revision_id
    again = wordpress_import(export=THEME, uploads=uploads)
    assert counts == (
        EssayPage.objects.count(),
        Comment.objects.count(),
        get_image_model().objects.count(),
        Redirect.objects.count(),
    )
    assert set(again.posts["post"]["publish"]) == {"unchanged"}
    assert set(again.comments["approved"]) == {"unchanged"}
    assert _essay("template-more-tag").latest_revision_id == revision
