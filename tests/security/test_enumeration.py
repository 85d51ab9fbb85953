"""No form tells a visitor whether an address is known: the same status, the same page and the
same work (database queries, the part of the timing a visitor could measure) for an address the
site holds and for one it has never seen. Timings themselves are measured in `make bench`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.comments.helpers import approved
from tests.support import form_token
from voorproef.downloads.services import download_request_create
from voorproef.essays.models import EssayPage
from voorproef.inbox.services import message_create

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "anna@example.nl", "piet@example.nl"
_TOKENS = re.compile(r"/(download|mijn-gegevens)/[\w-]{20,}/|[\w-]{20,}:[\w-]+:[\w-]{20,}")


def _holdings(essay: EssayPage) -> None:
    download_request_create(
        essay=essay, name="Anna", email=KNOWN, newsletter=True, ip_network="", user_agent=""
    )
    message_create(
        essay=essay,
        name="Anna",
        email=KNOWN,
        organisation="",
        text="Eerder bericht.",
        consent="",
        consent_text="",
        ip_network="",
        user_agent="",
    )
    approved(essay, name="Anna", email=KNOWN, text="Eerdere reactie.")


def _answer(client: Client, post: Callable[[str], Any]) -> tuple[list[Any], int]:
    """Post for both addresses; what each visitor sees (statuses and pages, followed through
    redirects, with personal tokens blanked) and the queries each post cost."""
    seen, costs = [], []
    for email in (KNOWN, UNKNOWN):
        cache.clear()  # rate limits count per address; both start alike
        with CaptureQueriesContext(connection) as queries:
            response = post(email)
        costs.append(len(queries))
        pages = [response.status_code]
        while response.status_code in {301, 302, 303}:
            location = response["Location"]
            pages.append(_TOKENS.sub("TOKEN", location))
            response = client.get(location)
            pages.append(response.status_code)
        pages.append(_TOKENS.sub("TOKEN", response.content.decode()))
        seen.append(pages)
    return seen, costs[0] - costs[1]


def _post(client: Client, path: str, **fields: str) -> Callable[[str], Any]:
    def post(email: str) -> Any:
        data = {"form_token": form_token(), "homepage": "", "email": email, **fields}
        return client.post(path, data, headers={"Sec-Fetch-Site": "same-origin"})

    return post


def test_the_download_form(client: Client, essay: EssayPage) -> None:
    _holdings(essay)
    seen, extra = _answer(client, _post(client, "/nieuw-publiek-werken/download/", name="Anna"))
    assert seen[0] == seen[1]
    # A new reader costs one row more than a known one: an INSERT in its own savepoint, three
    # statements, well under a millisecond (`make bench` measures the timings).
    assert -3 <= extra <= 0


def test_the_message_form(client: Client, essay: EssayPage) -> None:
    _holdings(essay)
    post = _post(client, "/nieuw-publiek-werken/bericht/", name="Anna", text="Nog een ervaring.")
    seen, extra = _answer(client, post)
    assert seen[0] == seen[1] and extra == 0


def test_the_my_data_form(client: Client, essay: EssayPage) -> None:
    _holdings(essay)
    seen, extra = _answer(client, _post(client, "/mijn-gegevens/"))
    assert seen[0] == seen[1] and extra == 0
