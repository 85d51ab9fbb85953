"""The Big List of Naughty Strings (tests/security/data/) in every field of every public form,
then through every admin list, detail page and export those posts reach: never a server error,
every accepted post stored exactly as cleaned, every refused one answered with the form, and
every export a file a spreadsheet opens. (What a browser makes of the same text is checked in
tests/browser/test_naughty_strings.py.)"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.security.test_public_forms_property import (
    COMMENT_FORM,
    DOWNLOAD_FORM,
    MESSAGE_FORM,
    MY_DATA_FORM,
    email_expected,
    name_expected,
    organisation_expected,
    text_expected,
    url_expected,
)
from tests.support import export_rows, form_token
from voorproef.comments.models import Comment
from voorproef.downloads.models import DownloadRequest
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import AccessLink, Consent

pytestmark = pytest.mark.django_db

STRINGS: list[str] = list(
    dict.fromkeys(  # the list holds a few strings twice; a comment said twice is refused
        [
            *json.loads((Path(__file__).parent / "data" / "blns.json").read_text()),
            # What broke before: a non-character, a name of invisible characters only, a name
            # too long for one line of the PDF, a quote that HTML escapes.
            *["\ufffe", "\u200b\ufeff\ufffe", "W" * 100, "1'000.00", "Eve <b>body</b>"],
        ]
    )
)
_posts = count(1)


@pytest.fixture
def open_gates(settings: Any) -> None:
    """Every post from its own connection, with the limits out of the way: this is about the
    text, not the rate."""
    settings.FORM_POSTS_PER_IP_PER_HOUR = 10**6
    settings.FORM_POSTS_PER_EMAIL_PER_HOUR = 10**6
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.EDITORS_EMAIL = "redactie@example.nl"


_browser = Client()  # one: a client loads every middleware (and WhiteNoise its files) anew


def _body(response: Any) -> bytes:
    """An export's bytes (Wagtail streams them)."""
    return b"".join(response.streaming_content)


def _post(path: str, fields: dict[str, Any]) -> Any:
    n = next(_posts)
    response = _browser.post(
        path,
        urlencode({"form_token": form_token(), "homepage": "", **fields}),
        content_type="application/x-www-form-urlencoded",
        headers={"Sec-Fetch-Site": "same-origin"},
        REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
    )
    assert response.status_code < 500, (path, fields)
    return response


def _answered(response: Any, accepted: bool, fields: dict[str, Any]) -> None:
    assert response.status_code == (302 if accepted else 400), (response.status_code, fields)


def _pages(client: Client, url: str) -> Iterator[str]:
    """Every page of an admin list, 200 each."""
    page = 1
    while True:
        response = client.get(url, {"p": page})
        assert response.status_code == 200, (url, page)
        yield response.content.decode()
        if f"p={page + 1}" not in response.content.decode():
            return
        page += 1


DETAILS_EVERY = 10  # every row is on a list page and in the exports; one in ten in detail


def _admin_walk(client: Client, namespace: str, model: type[Model], *, edit: bool) -> None:
    """The list (all its pages), the detail (and edit form) of a row in ten, both exports."""
    snippet = namespace.startswith("wagtailsnippets_")
    index = reverse(f"{namespace}:{'list' if snippet else 'index'}")
    rows = model._default_manager.count()
    assert rows
    for _ in _pages(client, index):
        pass
    for pk in model._default_manager.values_list("pk", flat=True)[::DETAILS_EVERY]:
        views = ["inspect", "edit"] if edit else ["inspect"]
        for view in views:
            url = reverse(f"{namespace}:{view}", args=[pk])
            assert client.get(url).status_code == 200, url
    assert len(export_rows(client.get(index, {"export": "csv"}))) == rows + 1
    xlsx = client.get(index, {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(_body(xlsx))).active
    assert sheet is not None and sheet.max_row == rows + 1


def test_the_download_form(open_gates: None, editor_client: Client) -> None:
    for i, text in enumerate(STRINGS):
        fields = {"name": text, "email": f"lezer{i}@example.nl", "newsletter": "on"}
        name = name_expected(text, 100)
        _answered(_post(DOWNLOAD_FORM, fields), name is not None, fields)
        if name is not None:
            assert DownloadRequest.objects.get(reader__email=fields["email"]).name == name
        fields = {"name": "Anna", "email": text}
        email = email_expected(text, 254)
        before = DownloadRequest.objects.count()
        _answered(_post(DOWNLOAD_FORM, fields), email is not None, fields)
        assert DownloadRequest.objects.count() == before + (email is not None)
    _admin_walk(editor_client, "download_requests", DownloadRequest, edit=True)
    _admin_walk(editor_client, "consents", Consent, edit=False)


def test_the_message_form(open_gates: None, editor_client: Client) -> None:
    for i, text in enumerate(STRINGS):
        fields = {
            "name": text,
            "email": f"schrijver{i}@example.nl",
            "organisation": text,
            "text": text,
            "publish": "on",
            "publish_as": "name",
        }
        expected = (
            name_expected(text, 100),
            organisation_expected(text),
            text_expected(text, 5000),
        )
        accepted = None not in expected and expected[2] != ""
        _answered(_post(MESSAGE_FORM, fields), accepted, fields)
        if accepted:
            message = ReaderMessage.objects.get(email=fields["email"])
            assert (message.name, message.organisation, message.text) == expected
    _admin_walk(editor_client, "inbox", ReaderMessage, edit=False)
    _admin_walk(editor_client, "outgoing_mail", OutgoingMail, edit=False)


def test_the_comment_form(open_gates: None, editor_client: Client) -> None:
    for i, text in enumerate(STRINGS):
        fields = {"name": text, "email": f"reageerder{i}@example.nl", "text": text, "url": ""}
        expected = (name_expected(text, 245), text_expected(text, 65525))
        accepted = None not in expected and expected[1] != ""
        _answered(_post(COMMENT_FORM, fields), accepted, fields)
        if accepted:
            comment = Comment.objects.get(email=fields["email"])
            assert (comment.name, comment.text) == expected
        fields = {"name": "Anna", "email": f"site{i}@example.nl", "text": f"Mooi {i}.", "url": text}
        url = url_expected(text, 200)
        _answered(_post(COMMENT_FORM, fields), url is not None, fields)
        if url is not None:
            assert Comment.objects.get(email=fields["email"]).url == url
    _admin_walk(editor_client, "wagtailsnippets_comments_comment", Comment, edit=True)


def test_the_my_data_form(open_gates: None) -> None:
    for text in STRINGS:
        email = email_expected(text, 254)
        response = _post(MY_DATA_FORM, {"email": text})
        _answered(response, email is not None, {"email": text})
        if email is not None:
            assert AccessLink.objects.filter(email=email).exists()
