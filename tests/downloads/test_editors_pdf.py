"""An editor reads the PDF of a draft before it is published, without becoming a lead."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_an_editor_reads_the_pdf_of_a_draft_and_no_lead_is_added(
    editor_client: Client, essay: EssayPage
) -> None:
    essay.title = "Nieuw Publiek Werken (concept)"
    essay.save_revision()  # a draft, not published
    edit = editor_client.get(f"/admin/pages/{essay.pk}/edit/").content.decode()
    assert "Bekijk pdf" in edit
    response = editor_client.get(f"/admin/essays/{essay.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    text = _text(response.content)
    assert "NieuwPubliekWerken(concept)" in text
    assert "Persoonlijkexemplaar" not in text
    assert not DownloadRequest.objects.exists()
    assert not Reader.objects.exists()


def test_the_live_pdf_is_the_one_readers_get(editor_client: Client, essay: EssayPage) -> None:
    response = editor_client.get(f"/admin/essays/{essay.pk}/pdf/")
    assert "NieuwPubliekWerken" in _text(response.content)


def test_only_editors_see_it(client: Client, essay: EssayPage, editor_client: Client) -> None:
    assert client.get(f"/admin/essays/{essay.pk}/pdf/").status_code == 302  # to the login
    assert editor_client.get(f"/admin/essays/{essay.get_parent().pk}/pdf/").status_code == 404
