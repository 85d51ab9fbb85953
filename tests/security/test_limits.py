"""Requests too large for any form are refused with 400 before a form reads them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support import form_token
from voorproef.inbox.models import ReaderMessage

pytestmark = pytest.mark.django_db

FORM = "/nieuw-publiek-werken/bericht/"


def _post(client: Client, data: dict[str, str]) -> int:
    fields = {"name": "Anna", "email": "anna@example.nl", "form_token": form_token(), **data}
    response = client.post(FORM, fields, headers={"Sec-Fetch-Site": "same-origin"})
    return int(response.status_code)


def test_a_post_larger_than_the_form_limit_is_refused(client: Client) -> None:
    assert _post(client, {"text": "x" * 3_000_000}) == 400  # over 2.5 MiB
    assert not ReaderMessage.objects.exists()


def test_a_post_with_too_many_fields_is_refused(client: Client) -> None:
    assert _post(client, {f"f{n}": "1" for n in range(10_001)} | {"text": "Hallo."}) == 400
    assert not ReaderMessage.objects.exists()


def test_the_limits_leave_room_for_every_real_form(client: Client) -> None:
    assert _post(client, {"text": "x" * 5000}) == 302  # the longest experience allowed
