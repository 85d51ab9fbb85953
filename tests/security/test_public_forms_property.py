"""Whatever a reader (or a script) types into the public forms: never a server error; either
the answer the site promises, with exactly the cleaned input stored, or the form again with
the typed text kept and nothing stored.

Every example runs in a savepoint that is rolled back, with an empty cache, so the rate
limits and the 15-second comment rule only bite where a test means them to.
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode

import hypothesis
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.test import Client
from django.utils.html import escape
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from tests.comments.helpers import approved
from tests.support import form_token
from voorproef.comments.models import Comment, text_digest
from voorproef.comments.services import author_key
from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.demo.loader import SLUG
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import AccessLink, Consent, DataRequest

pytestmark = pytest.mark.django_db

ESSAY = "/nieuw-publiek-werken/"
DOWNLOAD_FORM = ESSAY + "download/"
MESSAGE_FORM = ESSAY + "bericht/"
COMMENT_FORM = ESSAY + "reacties/plaatsen/"
MY_DATA_FORM = "/mijn-gegevens/"
NEWSLETTER_TEXT = "Houd mij per mail op de hoogte van nieuwe essays."

# -- what a reader might type ---------------------------------------------------------------------

BIDI_OVERRIDES = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
ODD_CHARACTERS = [
    *["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x85", "\t", "\n", "\r", "\r\n"],
    *["\u200b", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\ufeff", "\u00a0"],
    *BIDI_OVERRIDES,
]
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE comments_comment; --",
    "' OR '1'='1",
    "1); DELETE FROM downloads_reader; --",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "%(name)s %s ${7*7}",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "Zoë 王小明 محمد İstanbul",
    "https://x.example/?a=1&b=<2>",
    "anna@example.nl",
]
FILLERS = ["a", "é", " ", "\r\n", "😀", "<", "İ"]

_pieces = st.one_of(st.text(max_size=12), st.sampled_from(PAYLOADS + ODD_CHARACTERS))


def typed(limit: int) -> st.SearchStrategy[str]:
    """Any text (control characters included), mixtures of attack strings and odd
    characters, and long runs around the field's limit."""
    around_the_limit = st.builds(
        lambda head, filler, n, tail: head + filler * n + tail,
        _pieces,
        st.sampled_from(FILLERS),
        st.integers(max(limit - 8, 0), limit + 8),
        _pieces,
    )
    return st.one_of(st.text(), st.lists(_pieces, max_size=6).map("".join), around_the_limit)


def well_formed(*, lines: bool = False) -> st.SearchStrategy[str]:
    """What a reader could mean: letters, digits, punctuation and symbols of any script, attack
    strings, and the invisible characters that are allowed (with line breaks of every kind
    in a text)."""
    odd = ["\u200b", "\u200e", "\u200f", "\u00a0", "\u2028", "\ufeff", "  ", "\t", "😀👩‍👩‍👧‍👦"]
    breaks = ["\r\n", "\n", "\r", "\r\n\r\n"] if lines else []
    piece = st.one_of(
        st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=12),
        st.sampled_from(PAYLOADS + odd + breaks),
    )
    return st.lists(piece, min_size=1, max_size=8).map("".join)


def addresses() -> st.SearchStrategy[str]:
    """Valid addresses in any case with white space around them, and addresses with letters
    from any script."""
    shouting = st.builds(
        lambda address, upper, pad: pad + (address.upper() if upper else address) + pad,
        st.emails(),
        st.booleans(),
        st.sampled_from(["", " ", "\t", "\n"]),
    )
    letters = st.builds(
        operator.add,
        st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=40),
        st.sampled_from(
            ["@example.nl", "@Voorbeeld.NL", "@xn--bcher-kva.example", "@bücher.example"]
        ),
    )
    return st.one_of(shouting, letters)


def websites() -> st.SearchStrategy[str]:
    return st.builds(
        lambda scheme, address, path: scheme + address.split("@")[1] + path,
        st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://", "javascript:"]),
        st.emails(),
        st.sampled_from(["", "/", "/pad?q=1&r=<x>", "/😀", "/a b", '/"onmouseover="x']),
    )


def submissions(
    well: dict[str, st.SearchStrategy[Any]], wild: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Half the time every field is something a reader could mean (most are then accepted);
    half the time each field is anything at all (most are then refused)."""
    return st.one_of(st.fixed_dictionaries(well), st.fixed_dictionaries(wild))


# -- what the site makes of it (the rules in the README, on the value Django hands the form) ------


def _stripped(raw: str, limit: int) -> str | None:
    """What a Django text field lets through: stripped, within the limit, no NUL."""
    value = raw.strip()
    return None if len(value) > limit or "\x00" in value else value


def _noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code % 0x10000 in (0xFFFE, 0xFFFF) or 0xD800 <= code < 0xE000


def name_expected(raw: str, limit: int) -> str | None:
    """Non-characters dropped, NFC, spaces collapsed; refused with a control character or a
    direction override, or when nothing in it shows (only spaces, format characters, marks)."""
    value = _stripped(raw, limit)
    if not value:
        return None
    value = unicodedata.normalize("NFC", "".join(ch for ch in value if not _noncharacter(ch)))
    name = " ".join(value.split())
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI_OVERRIDES for ch in name):
        return None
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in name):
        return None
    return name if len(name) <= limit else None


def email_expected(raw: str, limit: int) -> str | None:
    value = _stripped(raw, limit)
    if not value:
        return None
    try:
        address = str(validate_email(value, check_deliverability=False).normalized).lower()
    except EmailNotValidError:
        return None
    return address if len(address) <= limit else None  # some letters grow when lower-cased


def text_expected(raw: str, limit: int) -> str | None:
    value = raw.strip().replace("\r\n", "\n").replace("\r", "\n")
    if not value or len(value) > limit:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        return None
    return value


def url_expected(raw: str, limit: int) -> str | None:
    value = _stripped(raw, limit)
    if value is None or value == "":
        return value
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return None
    return url if len(url) <= limit else None


_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def organisation_expected(raw: str) -> str | None:
    value = _stripped(raw, 200)
    if value is None:
        return None
    line = " ".join(value.split())  # whitespace (tabs too) collapses before the check
    return (
        None if any(unicodedata.category(ch) == "Cc" or ord(ch) in _BIDI for ch in line) else line
    )


# -- posting --------------------------------------------------------------------------------------


@contextmanager
def each_example() -> Iterator[Client]:
    """A fresh browser, an empty cache and a database that forgets what the example stored."""
    cache.clear()
    with transaction.atomic():
        yield Client()
        transaction.set_rollback(True)


def post(client: Client, path: str, fields: dict[str, Any]) -> Any:
    """As a browser posts a form: urlencoded, from the site itself, with a token shown ten
    seconds ago and the honeypot left empty."""
    data = {"form_token": form_token(), "homepage": "", **fields}
    response = client.post(
        path,
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code < 500
    return response


def assert_form_again_with(response: Any, typed_values: list[str]) -> None:
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<form" in html
    for value in typed_values:
        assert escape(value) in html, f"{value!r} is not kept in the form"


STORED = (Reader, DownloadRequest, Consent, ReaderMessage, Comment, OutgoingMail)
STORED_BY_MY_DATA = (AccessLink, DataRequest)


def nothing_stored() -> None:
    for model in (*STORED, *STORED_BY_MY_DATA):
        assert not model.objects.exists(), f"{model.__name__} stored"


def assert_no_nul(*values: str) -> None:
    assert not any("\x00" in value for value in values)


def _settings(examples: int) -> Any:
    return hypothesis.settings(max_examples=examples, deadline=None, print_blob=True)


def column_length(model: Any, field: str) -> int:
    limit = model._meta.get_field(field).max_length
    assert isinstance(limit, int)
    return limit


# -- the download form ----------------------------------------------------------------------------


DOWNLOAD_FIELDS = submissions(
    {"name": well_formed(), "email": addresses(), "newsletter": st.booleans()},
    {"name": typed(100), "email": st.one_of(addresses(), typed(254)), "newsletter": st.booleans()},
)


@_settings(120)
@given(fields=DOWNLOAD_FIELDS)
def test_the_download_form_stores_the_cleaned_input_or_shows_the_form_again(
    fields: dict[str, Any],
) -> None:
    name, email, newsletter = fields["name"], fields["email"], fields["newsletter"]
    with each_example() as client:
        sent = {"name": name, "email": email} | ({"newsletter": "on"} if newsletter else {})
        response = post(client, DOWNLOAD_FORM, sent)
        clean_name, clean_email = name_expected(name, 100), email_expected(email, 254)
        hypothesis.event("accepted" if clean_name and clean_email else "refused")
        if clean_name is None or clean_email is None:
            assert_form_again_with(response, [name, email])
            nothing_stored()
            return
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"].startswith("/download/")
        request = DownloadRequest.objects.select_related("reader").get()
        assert request.name == clean_name
        assert request.reader.email == clean_email
        assert len(request.reader.email) <= column_length(Reader, "email")
        assert OutgoingMail.objects.get().to == clean_email
        assert Consent.objects.filter(text=NEWSLETTER_TEXT).count() == int(newsletter)
        assert_no_nul(request.name, request.reader.email)


# -- the readers' message form --------------------------------------------------------------------


CHOICES = ["", "name", "anonymous"]
MESSAGE_FIELDS = submissions(
    {
        "name": well_formed(),
        "email": addresses(),
        "organisation": st.one_of(st.just(""), well_formed()),
        "text": well_formed(lines=True),
        "publish": st.booleans(),
        "publish_as": st.sampled_from(CHOICES[1:]),
    },
    {
        "name": typed(100),
        "email": st.one_of(addresses(), typed(254)),
        "organisation": typed(200),
        "text": typed(5000),
        "publish": st.booleans(),
        "publish_as": st.one_of(st.sampled_from(CHOICES), st.text(max_size=10)),
    },
)


@_settings(120)
@given(fields=MESSAGE_FIELDS)
def test_the_message_form_stores_the_cleaned_input_or_shows_the_form_again(
    fields: dict[str, Any],
) -> None:
    publish, publish_as = fields["publish"], fields["publish_as"]
    typed_in = [fields[key] for key in ("name", "email", "organisation", "text")]
    with each_example() as client:
        sent = {k: v for k, v in fields.items() if k != "publish"}
        sent |= {"publish": "on"} if publish else {}
        response = post(client, MESSAGE_FORM, sent)
        expected = (
            name_expected(fields["name"], 100),
            email_expected(fields["email"], 254),
            organisation_expected(fields["organisation"]),
            text_expected(fields["text"], 5000),
        )
        consent_ok = publish_as in CHOICES and not (publish and not publish_as)
        hypothesis.event("refused" if None in expected or not consent_ok else "accepted")
        if None in expected or not consent_ok:
            assert_form_again_with(response, typed_in)
            nothing_stored()
            return
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == MESSAGE_FORM + "verstuurd/"
        message = ReaderMessage.objects.get()
        assert (message.name, message.email, message.organisation, message.text) == expected
        assert message.consent == (publish_as if publish else "")
        assert bool(message.consent_text) == bool(message.consent)
        assert_no_nul(message.name, message.email, message.organisation, message.text)


# -- the comment form -----------------------------------------------------------------------------


COMMENT_FIELDS = submissions(
    {
        "text": well_formed(lines=True),
        "name": well_formed(),
        "email": addresses(),
        "url": st.one_of(st.just(""), websites()),
        "remember": st.booleans(),
        "notify": st.booleans(),
        "parent": st.just(""),
    },
    {
        "text": typed(65525),
        "name": typed(245),
        "email": st.one_of(addresses(), typed(100)),
        "url": st.one_of(websites(), typed(200)),
        "remember": st.booleans(),
        "notify": st.booleans(),
        # Superscript and circled digits ("No") are left to the test of odd digits below.
        "parent": st.one_of(
            st.just(""), st.text(st.characters(exclude_categories=["Cs", "No"]), max_size=4)
        ),
    },
)


@_settings(120)
@given(fields=COMMENT_FIELDS)
def test_the_comment_form_stores_the_cleaned_input_or_shows_the_form_again(
    fields: dict[str, Any],
) -> None:
    remember, notify, parent = fields["remember"], fields["notify"], fields["parent"]
    typed_in = [fields[key] for key in ("text", "name", "email", "url", "parent")]
    with each_example() as client:
        assert not Comment.objects.filter(status=Comment.Status.APPROVED).exists()
        sent = {k: v for k, v in fields.items() if k not in {"remember", "notify"}}
        sent |= {"remember": "on"} if remember else {}
        sent |= {"notify": "on"} if notify else {}
        response = post(client, COMMENT_FORM, sent)
        expected = (
            text_expected(fields["text"], 65525),
            name_expected(fields["name"], 245),
            email_expected(fields["email"], 100),
            url_expected(fields["url"], 200),
        )
        # No comment is approved yet, so any reply target is refused.
        hypothesis.event("refused" if None in expected or parent else "accepted")
        if None in expected or parent:
            assert_form_again_with(response, typed_in)
            nothing_stored()
            return
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"].startswith(ESSAY + "?reactie=")
        comment = Comment.objects.get()
        assert (comment.text, comment.name, comment.email, comment.url) == expected
        assert comment.notify_replies == notify
        assert len(comment.email) <= column_length(Comment, "email")
        assert_no_nul(comment.text, comment.name, comment.email, comment.url)
        assert not response.cookies  # "remember me" stays in the browser, ticked or not


# -- the "Mijn gegevens" form ----------------------------------------------------------------------


MY_DATA_FIELDS = submissions({"email": addresses()}, {"email": st.one_of(addresses(), typed(254))})


@_settings(80)
@given(fields=MY_DATA_FIELDS)
def test_the_my_data_form_mails_a_link_to_the_cleaned_address_or_shows_the_form_again(
    fields: dict[str, Any],
) -> None:
    email = fields["email"]
    with each_example() as client:
        response = post(client, MY_DATA_FORM, {"email": email})
        clean_email = email_expected(email, 254)
        hypothesis.event("refused" if clean_email is None else "accepted")
        if clean_email is None:
            assert_form_again_with(response, [email])
            nothing_stored()
            return
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == MY_DATA_FORM + "verstuurd/"
        link = AccessLink.objects.get()
        assert link.email == clean_email
        assert len(link.email) <= column_length(AccessLink, "email")
        mail = OutgoingMail.objects.get()
        assert (mail.to, mail.kind) == (clean_email, "privacy-access")
        assert DataRequest.objects.get().kind == DataRequest.Kind.ACCESS
        assert_no_nul(link.email)


# -- the author's edit of their comment -----------------------------------------------------------


HELD_TEXT = "Nog niet beoordeeld."
EDIT_FIELDS = submissions({"text": well_formed(lines=True)}, {"text": typed(65525)})


@_settings(60)
@given(fields=EDIT_FIELDS)
def test_the_authors_edit_stores_the_cleaned_text_or_shows_the_form_again(
    fields: dict[str, Any],
) -> None:
    text = fields["text"]
    with each_example() as client:
        essay = EssayPage.objects.get(slug=SLUG)
        held = approved(
            essay, name="Lotte", email="lotte@example.nl", text=HELD_TEXT, status="pending"
        )
        before: dict[str, Any] = dict(Comment.objects.values().get())
        edit = ESSAY + f"reacties/{held.pk}/bewerken/?reactie={quote(author_key(held))}"
        response = client.post(
            edit,
            urlencode({"text": text}),
            content_type="application/x-www-form-urlencoded",
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code < 500
        expected = text_expected(text, 65525)
        hypothesis.event("refused" if expected is None else "accepted")
        if expected is None:
            assert_form_again_with(response, [text])
            assert Comment.objects.values().get() == before
            assert not OutgoingMail.objects.exists()
            return
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"].startswith(ESSAY + "?reactie=")
        comment = Comment.objects.get()
        assert comment.text == expected
        assert comment.edited_at is not None
        after: dict[str, Any] = dict(Comment.objects.values().get())
        changed = {key for key in before if before[key] != after[key]}
        # Held it was, and held it stays; the digest follows the text (a duplicate is found by it).
        assert changed <= {"text", "text_digest", "edited_at", "reason"}
        assert after["text_digest"] == text_digest(expected)
        assert comment.status == Comment.Status.PENDING
        assert_no_nul(comment.text)


# -- the guards' own fields -----------------------------------------------------------------------

FORMS = {
    "download": (DOWNLOAD_FORM, {"name": "Anna de Boer", "email": "anna@example.nl"}),
    "message": (
        MESSAGE_FORM,
        {"name": "Sanne Visser", "email": "sanne@example.nl", "text": "Herkenbaar."},
    ),
    "comment": (
        COMMENT_FORM,
        {"name": "Lotte de Wit", "email": "lotte@example.nl", "text": "Dank voor dit essay."},
    ),
    "my data": (MY_DATA_FORM, {"email": "anna@example.nl"}),
}


@pytest.mark.parametrize("form", FORMS)
@_settings(25)
@given(token=st.one_of(st.text(), st.sampled_from(PAYLOADS)), honeypot=st.text())
def test_a_token_or_honeypot_that_was_not_the_sites_own_refuses_the_post(
    form: str, token: str, honeypot: str
) -> None:
    path, fields = FORMS[form]
    with each_example() as client:
        response = post(client, path, {**fields, "form_token": token, "homepage": honeypot})
        assert_form_again_with(response, list(fields.values()))
        nothing_stored()


@pytest.mark.parametrize("form", FORMS)
def test_a_post_over_the_hourly_limit_is_refused_with_429_and_stores_nothing(
    form: str, settings: Any
) -> None:
    settings.FORM_POSTS_PER_IP_PER_HOUR = 1
    path, fields = FORMS[form]
    client = Client()
    post(client, path, fields)
    stored = [model.objects.count() for model in (*STORED, *STORED_BY_MY_DATA)]
    response = post(client, path, {**fields, "email": "ander@example.nl"})
    assert response.status_code == 429
    assert [model.objects.count() for model in (*STORED, *STORED_BY_MY_DATA)] == stored


@pytest.mark.parametrize(
    ("second", "status"),
    [
        ({"REMOTE_ADDR": "192.0.2.2", "email": "ander@example.nl"}, 409),  # the same comment
        ({"REMOTE_ADDR": "192.0.2.1", "text": "En nog iets."}, 429),  # within 15 seconds
    ],
)
def test_a_duplicate_or_hasty_comment_gets_the_form_again_and_is_not_stored(
    second: dict[str, str], status: int
) -> None:
    fields = FORMS["comment"][1]
    first = Client(REMOTE_ADDR="192.0.2.1")
    assert post(first, COMMENT_FORM, fields).status_code == 302
    address = second.pop("REMOTE_ADDR")
    response = post(Client(REMOTE_ADDR=address), COMMENT_FORM, {**fields, **second})
    assert response.status_code == status
    assert escape({**fields, **second}["text"]) in response.content.decode()
    assert Comment.objects.count() == 1


# Superscript and circled digits ("No") are left to the test of odd digits below.
_no_odd_digits = st.text(st.characters(exclude_categories=["Cs", "No"]))


@_settings(30)
@given(reply_to=_no_odd_digits, key=st.one_of(_no_odd_digits, st.sampled_from(PAYLOADS)))
def test_the_essay_page_shows_whatever_reply_target_or_key_its_address_holds(
    reply_to: str, key: str
) -> None:
    with each_example() as client:
        response = client.get(ESSAY, {"antwoord": reply_to, "reactie": key})
        assert response.status_code == 200
        assert "Je reactie wacht op goedkeuring." not in response.content.decode()


# -- found by the tests above: each one a bug until it passes -------------------------------------

# `str.isdigit()` is true for superscripts and circled digits, which `int()` refuses.
ODD_DIGITS = ["²", "①"]


@pytest.mark.parametrize("digits", ODD_DIGITS)
def test_a_reply_target_in_odd_digits_gets_the_form_again_not_a_server_error(
    digits: str,
) -> None:
    client = Client(raise_request_exception=False)
    data = {**FORMS["comment"][1], "parent": digits, "form_token": form_token(), "homepage": ""}
    response = client.post(COMMENT_FORM, data, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 400
    assert "Je kunt niet op deze reactie reageren." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("query", ["antwoord=²", "reactie=²:abc:def"])
def test_the_essay_page_shows_with_odd_digits_in_its_address(query: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.get(ESSAY + "?" + quote(query, safe="=:"))
    assert response.status_code == 200


def test_an_address_that_grows_when_lower_cased_still_fits_the_comment_column() -> None:
    # 75 characters typed, within the form's 100; "İ" lower-cases to two characters.
    address = "İ" * 64 + "@example.nl"
    client = Client(raise_request_exception=False)
    response = post(client, COMMENT_FORM, {**FORMS["comment"][1], "email": address})
    stored = Comment.objects.values_list("email", flat=True).first()
    assert response.status_code in {302, 400}
    assert stored is None or len(stored) <= column_length(Comment, "email")


@pytest.mark.parametrize("organisation", ["Gemeente \u202eknabdnoR", "ACME\x1b[31m", "Griffie\x07"])
def test_an_organisation_is_held_to_the_rules_of_the_name_it_is_published_with(
    organisation: str,
) -> None:
    fields = {**FORMS["message"][1], "organisation": organisation}
    response = post(Client(), MESSAGE_FORM, {**fields, "publish": "on", "publish_as": "name"})
    assert_form_again_with(response, [organisation])
    assert "bevat tekens die niet zijn toegestaan" in response.content.decode()
    assert not ReaderMessage.objects.exists()
