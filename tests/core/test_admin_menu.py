"""Every list an editor works with is in the admin's menu, not only at an address."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/admin/download_requests/", "Downloadaanvragen"),
        ("/admin/inbox/", "Berichten van lezers"),
        ("/admin/outgoing_mail/", "Uitgaande mail"),
        ("/admin/data_requests/", "Gegevensverzoeken"),
        ("/admin/consents/", "Toestemmingen"),
        ("/admin/consent_texts/", "Toestemmingsteksten"),
    ],
)
def test_every_list_is_in_the_menu(editor_client: Client, url: str, label: str) -> None:
    home = editor_client.get("/admin/").content.decode()
    assert f'"url": "{url}"' in home.replace("&quot;", '"') or f'"{url}"' in home
    assert label in home
