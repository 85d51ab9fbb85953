"""The admin pages an editor walks through on a working day speak Dutch: no English label, no
Python value (None, True, False), no machine name of a mail kind or a consent's source."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from voorproef.comments.models import Comment
from voorproef.downloads.models import DownloadRequest
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import Consent

pytestmark = pytest.mark.django_db

# What was seen on these pages before, and must not come back.
RAW = re.compile(
    r"\b(None|True|False|Password|Consents|Reply mail|Subject type|download form"
    r"|comment-moderate|comment-approved|comment-reply|inbox-new|inbox-reply|privacy-access"
    r"|download-confirm)\b"
)


def _text(page: str) -> str:
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>|<template.*?</template>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_admin_pages_speak_dutch(editor_client: Client, essay: EssayPage) -> None:
    comment = approved(essay, status=Comment.Status.PENDING, reason="eerste reactie")
    requested(essay, newsletter=True)
    message = ReaderMessage.objects.create(
        essay=essay, name="Sanne", email="s@example.nl", text="Tekst", consent="name"
    )
    request = DownloadRequest.objects.get()
    urls = [
        "/admin/",
        "/admin/snippets/comments/comment/",
        f"/admin/snippets/comments/comment/edit/{comment.pk}/",
        f"/admin/snippets/comments/comment/inspect/{comment.pk}/",
        f"/admin/comments/{comment.pk}/reply/",
        "/admin/download_requests/",
        f"/admin/download_requests/inspect/{request.pk}/",
        "/admin/inbox/",
        f"/admin/inbox/inspect/{message.pk}/",
        "/admin/outgoing_mail/",
        f"/admin/outgoing_mail/inspect/{OutgoingMail.objects.first().pk}/",  # type: ignore[union-attr]
        "/admin/consents/",
        f"/admin/consents/inspect/{Consent.objects.get().pk}/",
        "/admin/data_requests/",
    ]
    for url in urls:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        found = RAW.findall(_text(response.content.decode()))
        assert found == [], (url, found)
    shown = _text(editor_client.get(f"/admin/inbox/inspect/{message.pk}/").content.decode())
    assert "bericht #" not in shown and "Sanne" in shown  # the header names the message
    login = Client().get("/admin/login/").content.decode()
    assert "Wachtwoord" in login and "Password" not in _text(login)


def test_the_essay_editor_labels_its_blocks_in_dutch(
    editor_client: Client, essay: EssayPage
) -> None:
    page = html.unescape(editor_client.get(f"/admin/pages/{essay.pk}/edit/").content.decode())
    labels = set(re.findall(r'"label": "([^"]+)"', page))
    assert {"Afbeelding", "Onderschrift", "Bron", "Tekst"} <= labels
    assert "Image" not in labels
    assert not [label for label in labels if label[0].islower()]
    assert ">Auteurs<" in page.replace(" ", "").replace("\n", "")


def test_the_bulk_actions_count_what_is_selected_in_dutch(
    editor_client: Client, essay: EssayPage
) -> None:
    approved(essay)
    page = editor_client.get("/admin/snippets/comments/comment/").content.decode()
    assert "1 geselecteerd" in page and "Alle %(objects)s op dit scherm geselecteerd" in page
    assert "snippet geselecteerd" not in page and "snippets geselecteerd" not in page
