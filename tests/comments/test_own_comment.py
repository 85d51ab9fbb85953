"""Beyond WordPress: an author may edit or delete their comment for ten minutes, with the
key in the link they were sent to — no cookie, no account."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from voorproef.comments.models import Comment, CommentSettings
from voorproef.essays.models import EssayPage

from .helpers import ESSAY, approved, post_comment

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def _own_links(client: Client, landing: str) -> dict[str, str]:
    html = client.get(landing).content.decode()
    links = re.findall(r'href="([^"]+/(bewerken|verwijderen)/\?reactie=[^"]+)"', html)
    return {kind: url.replace("&amp;", "&") for url, kind in links}


def test_the_author_edits_their_comment_within_ten_minutes(client: Client) -> None:
    landing = post_comment(client)["Location"]
    edit = _own_links(client, landing)["bewerken"]
    form = client.get(edit)
    assert form.status_code == 200 and form["Cache-Control"] == "private, no-store"
    assert "Heel herkenbaar, dank voor dit essay." in form.content.decode()

    saved = client.post(edit, {"text": "Heel herkenbaar, met een aanvulling."}, headers=SAME_ORIGIN)
    assert saved.status_code == 302
    comment = Comment.objects.get()
    assert comment.text == "Heel herkenbaar, met een aanvulling."
    assert comment.edited_at is not None


def test_after_ten_minutes_the_key_no_longer_edits(client: Client) -> None:
    landing = post_comment(client)["Location"]
    edit = _own_links(client, landing)["bewerken"]
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    refused = client.post(edit, {"text": "Te laat."}, headers=SAME_ORIGIN)
    assert refused.status_code == 403
    assert "Deze reactie kan niet meer worden gewijzigd" in refused.content.decode()
    assert Comment.objects.get().text == "Heel herkenbaar, dank voor dit essay."


def test_someone_else_cannot_edit_with_a_guessed_or_borrowed_key(
    client: Client, essay: EssayPage
) -> None:
    other = approved(essay, text="Niet van jou.")
    landing = post_comment(client)["Location"]
    edit = _own_links(client, landing)["bewerken"]
    borrowed = edit.replace(
        f"/reacties/{Comment.objects.latest('pk').pk}/", f"/reacties/{other.pk}/"
    )
    assert client.post(borrowed, {"text": "Gekaapt."}, headers=SAME_ORIGIN).status_code == 403
    guessed = ESSAY + f"reacties/{other.pk}/bewerken/?reactie={other.pk}:abc:def"
    assert client.post(guessed, {"text": "Gekaapt."}, headers=SAME_ORIGIN).status_code == 403
    other.refresh_from_db()
    assert other.text == "Niet van jou."


def test_an_edited_approved_comment_that_trips_a_rule_goes_back_to_pending(
    client: Client, essay: EssayPage, settings: Any, committed: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    landing = post_comment(client, text="Netjes.")["Location"]
    comment = Comment.objects.get(text="Netjes.")
    assert comment.status == "approved"
    site = CommentSettings.load()
    site.moderation_words = "casino"
    site.save()
    edit = _own_links(client, landing)["bewerken"]
    with committed():
        client.post(edit, {"text": "Netjes. Kom naar het casino!"}, headers=SAME_ORIGIN)
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert "moderatiewoord" in comment.reason
    assert "casino" not in Client().get(ESSAY).content.decode()


def test_the_author_deletes_their_comment(client: Client, essay: EssayPage) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    landing = post_comment(client, text="Spijt van.")["Location"]
    delete = _own_links(client, landing)["verwijderen"]
    assert "Spijt van." in client.get(delete).content.decode()  # asks first
    assert Comment.objects.filter(text="Spijt van.").exists()
    done = client.post(delete, headers=SAME_ORIGIN)
    assert done.status_code == 200
    assert not Comment.objects.filter(text="Spijt van.").exists()
    assert "Spijt van." not in client.get(ESSAY).content.decode()
