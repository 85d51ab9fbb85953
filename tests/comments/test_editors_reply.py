"""An editor answers a comment from the admin, in the editors' name: published at once, marked
as the editors' reply on the essay, and the writer hears of it if they asked to."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from voorproef.comments.models import Comment, CommentSettings
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail

from .helpers import ESSAY, approved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _editors(settings: Any) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    site = CommentSettings.load()
    site.notify_on_approved = True  # the editors hear of comments they did not see: not this
    site.save()


def _reply(client: Client, comment: Comment, text: str) -> Any:
    return client.post(
        f"/admin/comments/{comment.pk}/reply/",
        {"text": text, "next": "/admin/snippets/comments/comment/"},
    )


def test_a_reply_to_a_held_comment_approves_it_and_shows_as_the_editors(
    editor_client: Client, editor: Any, essay: EssayPage, committed: Any
) -> None:
    editor.first_name, editor.last_name = "Marieke", "Jansen"
    editor.save()
    held = approved(
        essay,
        status=Comment.Status.PENDING,
        name="Lotte de Wit",
        email="lotte@example.nl",
        text="Werkt dit ook in een kleine gemeente?",
        notify_replies=True,
    )
    page = editor_client.get(f"/admin/comments/{held.pk}/reply/")
    assert "Werkt dit ook in een kleine gemeente?" in page.content.decode()
    assert "Goedkeuren en beantwoorden" in page.content.decode()
    assert "Ondertekend als: Marieke Jansen (redactie)" in page.content.decode()

    with committed():
        response = _reply(editor_client, held, "Ja: Zundert deed het in 2024.")
    assert response.status_code == 302
    held.refresh_from_db()
    reply = Comment.objects.get(parent=held)
    assert held.status == reply.status == "approved"
    assert reply.by_editors and reply.editor == editor and reply.name == "Marieke Jansen"
    assert reply.email == ""

    essay_page = Client().get(ESSAY).content.decode()
    assert 'class="comment comment--editors"' in essay_page
    assert 'Marieke Jansen</span> <span class="comment__badge">redactie</span>' in essay_page
    assert "Ja: Zundert deed het in 2024." in essay_page

    # Lotte asked to hear of replies; the editors get no mail about their own reply.
    assert list(OutgoingMail.objects.values_list("kind", "to")) == [
        ("comment-reply", "lotte@example.nl")
    ]
    assert "Marieke Jansen" in OutgoingMail.objects.get().body_text


def test_an_editor_without_a_name_signs_as_the_editors(
    editor_client: Client, essay: EssayPage
) -> None:
    comment = approved(essay)
    _reply(editor_client, comment, "Dank je.")
    assert Comment.objects.get(parent=comment).name == "De redactie"


def test_spam_an_empty_reply_and_a_stranger_are_refused(
    editor_client: Client, essay: EssayPage
) -> None:
    spam = approved(essay, status=Comment.Status.SPAM)
    response = _reply(editor_client, spam, "Dank je.")
    assert response.status_code == 400
    assert "Keur deze reactie eerst goed" in response.content.decode()

    comment = approved(essay)
    response = _reply(editor_client, comment, "   ")
    assert response.status_code == 400
    assert "Dit is een verplicht veld." in response.content.decode()
    assert not Comment.objects.filter(by_editors=True).exists()

    stranger = get_user_model().objects.create_user("lezer", "lezer@example.nl", "pw")
    client = Client()
    client.force_login(stranger)
    assert _reply(client, comment, "Dank je.").status_code in (302, 403)
    assert not Comment.objects.filter(by_editors=True).exists()


def test_the_list_offers_an_answer_on_held_and_approved_comments_only(
    editor_client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Anna de Vries")
    approved(essay, name="Spammer", status=Comment.Status.SPAM)
    page = editor_client.get("/admin/snippets/comments/comment/").content.decode()
    assert "Beantwoord de reactie van Anna de Vries" in page
    assert "Beantwoord de reactie van Spammer" not in page
    assert "Sneltoetsen: j en k" in page
