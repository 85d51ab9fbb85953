"""Public forms take a few text fields: a larger request never reaches them, files included
(which Django's form data limit does not count and would write to disk)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from wagtail.documents import get_document_model

from tests.comments.helpers import FORM as COMMENT_FORM
from tests.comments.helpers import approved
from tests.support import form_token
from voorproef.comments import services as comments
from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db

LIMIT = 2_621_440  # DATA_UPLOAD_MAX_MEMORY_SIZE


def _file(size: int, name: str = "groot.bin") -> io.BytesIO:
    file = io.BytesIO(b"%PDF-1.4\n" + b"0" * (size - 9))
    file.name = name
    return file


def test_a_public_post_carrying_a_large_file_is_refused_unread(client: Client) -> None:
    response = client.post(
        COMMENT_FORM,
        {
            "text": "Met een bijlage.",
            "name": "Lotte",
            "email": "lotte@example.nl",
            "form_token": form_token(),
            "bijlage": _file(LIMIT + 1),
        },
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 413
    assert "te groot" in response.content.decode()
    assert not Comment.objects.filter(text="Met een bijlage.").exists()


def test_a_mail_programs_multipart_unsubscribe_still_works(essay: EssayPage) -> None:
    mine = approved(essay, name="Lotte", email="lotte@example.nl", notify_replies=True)
    path = comments.unsubscribe_link(mine).split("://", 1)[1].split("/", 1)[1]
    response = Client().post("/" + path, {"List-Unsubscribe": "One-Click"})  # multipart
    assert response.status_code == 200
    mine.refresh_from_db()
    assert not mine.notify_replies


def test_editors_still_upload_files_larger_than_the_form_limit(
    editor_client: Client, settings: Any
) -> None:
    response = editor_client.post(
        "/admin/documents/add/", {"title": "Essay", "file": _file(LIMIT + 1, "essay.pdf")}
    )
    assert response.status_code == 302
    assert get_document_model().objects.filter(title="Essay").exists()


def test_the_admin_takes_an_editors_upload_but_no_large_body_before_signing_in(
    client: Client, editor_client: Client, settings: Any
) -> None:
    """Anyone may post the sign-in form; Django's CSRF check would read a file sent with it
    to disk. Until signed in the admin takes what a public form takes; then an upload up to
    the largest image and some."""

    def sign_in_with_a_file() -> int:
        big = {"username": "editor", "password": "pw", "bijlage": _file(LIMIT + 1)}
        return int(client.post("/admin/login/", big).status_code)

    assert sign_in_with_a_file() == 413
    client.cookies["sessionid"] = "made-up"  # a session cookie is not a session
    assert sign_in_with_a_file() == 413
    # Nor is a reader's account (for a page only signed-in readers see) an editor's.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("lezer", "lezer@example.nl", "pw")
    client.cookies.clear()
    client.login(username="lezer", password="pw")
    assert sign_in_with_a_file() == 413

    settings.ADMIN_BODY_MAX_BYTES = 3 * LIMIT
    upload = {"title": "Groot", "file": _file(3 * LIMIT + 1, "groot.pdf")}
    assert editor_client.post("/admin/documents/add/", upload).status_code == 413
    assert not get_document_model().objects.filter(title="Groot").exists()
