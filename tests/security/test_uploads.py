"""What editors upload stays inert: documents are PDFs only and are sent as downloads; images are
raster images of at most the project's size, never SVG (which can carry script)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

pytestmark = pytest.mark.django_db

# The project's chosen limit (MAX_IMAGE_UPLOAD_MB, deploy/nginx allows a little more).
IMAGE_LIMIT = 20 * 1024 * 1024
SCRIPT_HTML = b"<!DOCTYPE html><script>alert(document.cookie)</script>"
SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png(size: int | None = None) -> bytes:
    """A small real PNG; padded after its end to `size` bytes, which image readers ignore."""
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), "teal").save(out, "PNG")
    data = out.getvalue()
    return data if size is None else data + b"\0" * (size - len(data))


def _stored(name: str) -> list[Path]:
    return list(Path(settings.MEDIA_ROOT).rglob(f"{Path(name).stem}*"))


# -- documents ------------------------------------------------------------------------------------


def _upload_document(client: Client, how: str, name: str, content: bytes) -> Any:
    file = SimpleUploadedFile(name, content)
    if how == "form":
        return client.post("/admin/documents/add/", {"title": name, "file": file})
    return client.post("/admin/documents/multiple/add/", {"files[]": file})


@pytest.mark.parametrize("how", ["form", "multiple"])
@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("aanval.html", SCRIPT_HTML, id="html"),
        pytest.param("aanval.htm", SCRIPT_HTML, id="htm"),
        pytest.param("aanval.svg", SCRIPT_SVG, id="svg"),
        pytest.param("aanval.pdf.html", SCRIPT_HTML, id="pdf.html"),
    ],
)
def test_an_editor_cannot_upload_a_document_that_is_not_a_pdf(
    editor_client: Client, how: str, name: str, content: bytes
) -> None:
    response = _upload_document(editor_client, how, name, content)
    assert response.status_code == 200  # the form again, or the uploader's error
    assert not get_document_model().objects.exists()
    assert not UploadedFile.objects.exists()
    assert _stored(name) == []


@pytest.mark.parametrize("how", ["form", "multiple"])
def test_an_editor_can_upload_a_pdf(editor_client: Client, how: str) -> None:
    _upload_document(editor_client, how, "verslag-2026.pdf", PDF)
    assert get_document_model().objects.get().file.name.endswith(".pdf")


def test_only_pdfs_are_allowed_as_documents() -> None:
    assert settings.WAGTAILDOCS_EXTENSIONS == ["pdf"]


def test_a_served_document_is_a_download_that_nothing_can_run_in(
    editor_client: Client, client: Client
) -> None:
    _upload_document(editor_client, "form", "verslag-2026.pdf", PDF)
    document = get_document_model().objects.get()
    for who in (client, editor_client):
        response: Any = who.get(document.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"


# -- images ---------------------------------------------------------------------------------------


def _upload_image(client: Client, how: str, name: str, content: bytes) -> Any:
    file = SimpleUploadedFile(name, content)
    if how == "form":
        return client.post("/admin/images/add/", {"title": name, "file": file})
    return client.post("/admin/images/multiple/add/", {"files[]": file})


def test_svg_is_not_among_the_image_formats() -> None:
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS


@pytest.mark.parametrize("how", ["form", "multiple"])
def test_an_editor_cannot_upload_an_svg_image(editor_client: Client, how: str) -> None:
    response = _upload_image(editor_client, how, "logo-aanval.svg", SCRIPT_SVG)
    assert response.status_code == 200
    assert not get_image_model().objects.filter(title__startswith="logo-aanval").exists()
    assert not UploadedFile.objects.exists()
    assert _stored("logo-aanval.svg") == []


def test_an_image_of_the_size_limit_is_taken_and_one_byte_more_is_refused(
    editor_client: Client,
) -> None:
    images = get_image_model().objects
    before = images.count()
    _upload_image(editor_client, "form", "grens-precies.png", _png(IMAGE_LIMIT))
    assert images.count() == before + 1
    assert images.get(title="grens-precies.png").file.size == IMAGE_LIMIT

    response = _upload_image(editor_client, "multiple", "grens-te-groot.png", _png(IMAGE_LIMIT + 1))
    assert response.json()["success"] is False
    assert images.count() == before + 1
    assert _stored("grens-te-groot.png") == []
