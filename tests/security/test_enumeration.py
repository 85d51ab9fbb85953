"""No form tells a visitor whether an address is known: the same status, the same page and the
same work (database queries, the part of the timing a visitor could measure) for an address the
site holds and for one it has never seen. Timings themselves are measured in `make bench`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import count
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from tests.support import form_token, without_form_token
from voorproef.comments.models import CommentSettings
from voorproef.comments.text import avatar_colour
from voorproef.core.pagecache import page_cache_generation_forget
from voorproef.core.routing import routes_forget
from voorproef.essays.models import EssayPage
from voorproef.inbox.services import message_create

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "anna@example.nl", "piet@example.nl"
_TOKENS = re.compile(r"/(download|mijn-gegevens)/[\w-]{20,}/|[\w-]{20,}:[\w-]+:[\w-]{20,}")


def _holdings(essay: EssayPage) -> None:
    requested(essay, name="Anna", email=KNOWN, newsletter=True)
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


@contextmanager
def _rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _answer(
    client: Client,
    post: Callable[[str], Any],
    *,
    unknown: str = UNKNOWN,
    blank: re.Pattern[str] = _TOKENS,
    each: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> tuple[list[Any], int]:
    """Post for both addresses; what each visitor sees (statuses and pages, followed through
    redirects, with personal tokens blanked) and the queries each post cost."""
    seen, costs = [], []
    for email in (KNOWN, unknown):
        cache.clear()  # rate limits count per address; both start alike
        # and in a new generation of the pages: both find the essay by walking the page tree
        # and read the settings, whatever this process kept from before
        page_cache_generation_forget()
        routes_forget()
        with each():
            with CaptureQueriesContext(connection) as queries:
                response = post(email)
            costs.append(len(queries))
            pages = [response.status_code]
            while response.status_code in {301, 302, 303}:
                location = response["Location"]
                pages.append(blank.sub("TOKEN", location))
                response = client.get(location)
                pages.append(response.status_code)
            pages.append(blank.sub("TOKEN", without_form_token(response.content).decode()))
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
    # A known reader costs two statements more than a new one, who is stored by the one
    # statement that would have found them: their row read, and their mails of the day
    # counted (a new reader has none). Well under a millisecond (`make bench` measures the
    # timings).
    assert 0 <= extra <= 2


def test_the_message_form(client: Client, essay: EssayPage) -> None:
    _holdings(essay)
    post = _post(client, "/nieuw-publiek-werken/bericht/", name="Anna", text="Nog een ervaring.")
    seen, extra = _answer(client, post)
    assert seen[0] == seen[1] and extra == 0


def test_the_my_data_form(client: Client, essay: EssayPage) -> None:
    _holdings(essay)
    seen, extra = _answer(client, _post(client, "/mijn-gegevens/"))
    assert seen[0] == seen[1] and extra == 0


# What tells one comment from another on the page it lands on: its number (in its anchor, its
# links and its key) and the second it was posted. Neither says whose address it was.
_COMMENT = re.compile(
    _TOKENS.pattern
    + r"|\d+(:|%3A)[\w-]+(:|%3A)[\w-]{20,}|reactie-\d+|reacties/\d+/|antwoord=\d+"
    + r'|data-reply-to="\d+"|<time datetime="[^"]+">[^<]+</time>'
)


def _same_colour_as(email: str) -> str:
    """An unknown address whose initials get the known one's colour (a colour per typed
    address, the same known or not), so the pages can be compared whole."""
    return next(
        candidate
        for n in count()
        if avatar_colour(candidate := f"piet{n}@example.nl") == avatar_colour(email)
    )


def test_the_comment_form_when_a_first_comment_is_not_held(
    client: Client, essay: EssayPage
) -> None:
    site = CommentSettings.load()
    site.require_prior_approval = False  # the rule that tells them apart (docs/security.md)
    site.save()
    _holdings(essay)
    post = _post(client, "/nieuw-publiek-werken/reacties/plaatsen/", name="Anna", text="Nog één.")
    unknown = _same_colour_as(KNOWN)
    # Each post on the same site: the second would be a duplicate of the first.
    seen, extra = _answer(client, post, unknown=unknown, blank=_COMMENT, each=_rolled_back)
    assert seen[0][:3] == [302, seen[0][1], 200]
    assert "Nog één." in seen[0][-1]
    assert seen[0] == seen[1] and extra == 0


# -- the admin's sign-in --------------------------------------------------------------------------

EDITOR_IPS = (f"198.51.100.{n}" for n in count(1))
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"CSRF_TOKEN": "[^"]+"')


def _sign_in(client: Client, username: str, password: str) -> tuple[int, str, int]:
    """The status, the page (its CSRF token and the name typed blanked) and the queries of one
    sign-in, each from its own network so only the account's own lock can bite."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/admin/login/",
            {"username": username, "password": password},
            REMOTE_ADDR=next(EDITOR_IPS),
        )
    page = _CSRF.sub("CSRF", response.content.decode()).replace(f'value="{username}"', "NAME")
    return response.status_code, page, len(queries)


def test_the_sign_in_for_an_editors_name_and_for_a_name_nobody_has(
    client: Client, editor: Any
) -> None:
    known = _sign_in(client, "editor", "raden")
    cache.clear()
    unknown = _sign_in(client, "redacteur", "raden")
    assert known[0] == 200 and "wachtwoord komen niet overeen" in known[1]
    assert known == unknown


def test_a_locked_account_answers_as_a_wrong_password_does(client: Client, editor: Any) -> None:
    wrong = _sign_in(client, "editor", "raden")
    for _ in range(4):  # five wrong passwords in all
        _sign_in(client, "editor", "raden")
    locked = _sign_in(client, "editor", "pw")  # the right one, from yet another network
    assert "_auth_user_id" not in client.session
    assert locked == wrong
