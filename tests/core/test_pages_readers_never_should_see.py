from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_missing_page_gets_a_friendly_dutch_404(client: Client) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Deze pagina bestaat niet (meer)" in html
    assert 'href="/"' in html


def test_a_server_error_gets_a_friendly_dutch_500() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging bij ons iets mis" in html
    assert '<html lang="nl">' in html


def test_the_health_check_answers_when_the_database_does(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_documents_and_original_uploads_are_not_served_as_media(client: Client) -> None:
    from wagtail.images import get_image_model

    image = get_image_model().objects.first()
    assert image is not None
    assert client.get(f"/media/{image.file.name}").status_code == 404
    rendition = image.get_rendition("width-480|format-webp")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
