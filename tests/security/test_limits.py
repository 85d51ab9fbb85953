"""Requests too large for any form are refused before a form reads them: 400 from Django's own
check, or 413 from the body limit (voorproef/core/guards.py) that sits before it.

The limits are the project's own (voorproef/settings.py), tested at their edge with the numbers
written out: a change to either setting fails here, as it should be a deliberate one. The form
data limit happens to equal Django's default, so only a change to it shows; the field limit is
ten times Django's."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.support import form_token
from voorproef.inbox.models import ReaderMessage

pytestmark = pytest.mark.django_db

FORM = "/nieuw-publiek-werken/bericht/"
MAX_BYTES = 2_621_440  # DATA_UPLOAD_MAX_MEMORY_SIZE: 2.5 MiB of form data
MAX_FIELDS = 10_000  # DATA_UPLOAD_MAX_NUMBER_FIELDS: an essay's editing form can hold thousands


def _fields(**extra: str) -> dict[str, str]:
    return {
        "name": "Anna",
        "email": "anna@example.nl",
        "text": "Hallo.",
        "form_token": form_token(),
        **extra,
    }


def _post(client: Client, body: str) -> int:
    """Posted as a browser posts a form without files: the body's length is what is limited."""
    response = client.post(
        FORM,
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    return int(response.status_code)


def _body_of_length(length: int) -> str:
    """A valid post of exactly `length` bytes: the form ignores the padding field."""
    body = urlencode(_fields()) + "&padding="
    return body + "x" * (length - len(body))


def _body_with_fields(count: int) -> str:
    fields = _fields()
    extra = {f"f{n}": "1" for n in range(count - len(fields))}
    return urlencode(fields | extra)


def test_a_post_of_exactly_the_data_limit_is_read(client: Client) -> None:
    body = _body_of_length(MAX_BYTES)
    assert len(body.encode()) == MAX_BYTES
    assert _post(client, body) == 302
    assert ReaderMessage.objects.count() == 1


def test_a_post_one_byte_over_the_data_limit_is_refused(client: Client) -> None:
    assert _post(client, _body_of_length(MAX_BYTES + 1)) in {400, 413}
    assert not ReaderMessage.objects.exists()


def test_a_post_with_exactly_the_field_limit_is_read(client: Client) -> None:
    body = _body_with_fields(MAX_FIELDS)
    assert body.count("&") + 1 == MAX_FIELDS
    assert _post(client, body) == 302
    assert ReaderMessage.objects.count() == 1


def test_a_post_with_one_field_too_many_is_refused(client: Client) -> None:
    assert _post(client, _body_with_fields(MAX_FIELDS + 1)) == 400
    assert not ReaderMessage.objects.exists()


def test_the_limits_leave_room_for_every_real_form(client: Client) -> None:
    assert _post(client, urlencode(_fields(text="x" * 5000))) == 302  # the longest allowed
