"""Every public POST refuses a post that another site makes a visitor's browser send, and
every link that carries a key acts only with its own, unaltered, unexpired key.

Public pages set no CSRF cookie; the views check the origin themselves
(voorproef/core/guards.py). "Changes nothing" is checked on every row a public POST could add
or change, mail included.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing
from django.db.models import Model
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from tests.support import form_token, written
from voorproef.comments import services as comments
from voorproef.comments.models import Comment
from voorproef.downloads import services as downloads
from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.models import EssayPage
from voorproef.inbox import services as inbox
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy import services as privacy
from voorproef.privacy.consent import consent_record
from voorproef.privacy.models import AccessLink, Consent, DataRequest

pytestmark = pytest.mark.django_db

ESSAY = "/nieuw-publiek-werken/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
# The salts the services sign their links with: a token signed with one is no other kind.
KEY_SALT = comments._KEY_SALT
MODERATE_SALT = comments._MODERATE_SALT
UNSUBSCRIBE_SALT = comments._UNSUBSCRIBE_SALT
WITHDRAW_SALT = inbox._WITHDRAW_SALT
NEWSLETTER_UNSUBSCRIBE_SALT = downloads._UNSUBSCRIBE_SALT
FROM_ANOTHER_SITE = [
    pytest.param({"Sec-Fetch-Site": "cross-site"}, id="sec-fetch-site-cross-site"),
    pytest.param({"Sec-Fetch-Site": "same-site"}, id="sec-fetch-site-same-site"),
    pytest.param({"Origin": "https://evil.example"}, id="origin-evil-example"),
    pytest.param({"Origin": "null"}, id="origin-null"),
]


def world() -> dict[str, list[dict[str, Any]]]:
    """Every row a public POST could add or change."""
    kinds: tuple[type[Model], ...] = (
        Reader,
        DownloadRequest,
        Consent,
        ReaderMessage,
        Comment,
        OutgoingMail,
        AccessLink,
        DataRequest,
    )
    return {m.__name__: list(m._default_manager.order_by("pk").values()) for m in kinds}


def browser() -> Client:
    # Django's own CSRF check on, as in production: only the site's guards let posts in.
    return Client(enforce_csrf_checks=True)


def send(path: str, data: dict[str, str], headers: dict[str, str]) -> Any:
    """A form post as a browser sends it."""
    return browser().post(
        path,
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
        REMOTE_ADDR="192.0.2.10",
    )


# -- what each endpoint needs to act --------------------------------------------------------------


@dataclass
class Post:
    path: str
    data: dict[str, str] = field(default_factory=dict)


def _download_request(essay: EssayPage, mode: str) -> tuple[DownloadRequest, str]:
    essay.delivery_mode = mode
    return requested(essay, newsletter=True)


def _newsletter_token(request: DownloadRequest) -> str:
    assert request.mail is not None
    mail = written(request.mail)
    found = re.search(r"/nieuwsbrief/bevestigen/([^/\s]+)/", mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def _fresh_comment(essay: EssayPage, **fields: Any) -> Comment:
    return approved(essay, name="Lotte de Wit", email="lotte@example.nl", **fields)


def _held_comment(essay: EssayPage) -> Comment:
    return _fresh_comment(essay, status=Comment.Status.PENDING, text="Nog niet beoordeeld.")


def _published_message(essay: EssayPage) -> ReaderMessage:
    message = ReaderMessage.objects.create(
        essay=essay,
        name="Sanne Visser",
        email="sanne@example.nl",
        text="In onze gemeente zagen we precies dit.",
        consent=ReaderMessage.Consent.WITH_NAME,
        published=True,
    )
    consent_record(
        email=message.email,
        purpose=Consent.Purpose.PUBLICATION,
        text="Jullie mogen mijn ervaring op deze pagina publiceren: met mijn naam",
        source=f"message form: {essay.slug}",
        subject=message,
        given_at=message.created_at,
    )
    return message


def _path(link: str) -> str:
    return urlsplit(link).path


def _my_data_token(email: str) -> str:
    """The key in the "Mijn gegevens" link mailed to this address, as the site makes it."""
    privacy.access_link_send(email=email)
    mail = OutgoingMail.objects.filter(to=email, kind=privacy.ACCESS_MAIL).latest("pk")
    found = re.search(r"/mijn-gegevens/([\w-]+)/", mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def _newsletter_consent(essay: EssayPage) -> Consent:
    request, _ = _download_request(essay, DownloadRequest.Mode.DIRECT)
    return request.consents.get(purpose=Consent.Purpose.NEWSLETTER)


def download_form(essay: EssayPage) -> Post:
    fields = {"name": "Anna de Boer", "email": "anna@example.nl", "newsletter": "on"}
    return Post(ESSAY + "download/", {**fields, "form_token": form_token(), "homepage": ""})


def message_form(essay: EssayPage) -> Post:
    fields = {"name": "Sanne Visser", "email": "sanne@example.nl", "text": "Herkenbaar."}
    return Post(ESSAY + "bericht/", {**fields, "form_token": form_token(), "homepage": ""})


def comment_form(essay: EssayPage) -> Post:
    fields = {"name": "Lotte de Wit", "email": "lotte@example.nl", "text": "Dank!"}
    return Post(ESSAY + "reacties/plaatsen/", {**fields, "form_token": form_token()})


def download_confirm(essay: EssayPage) -> Post:
    _, raw = _download_request(essay, DownloadRequest.Mode.CONFIRM)
    return Post(f"/download/{raw}/")


def newsletter_confirm(essay: EssayPage) -> Post:
    request, _ = _download_request(essay, DownloadRequest.Mode.DIRECT)
    return Post(f"/nieuwsbrief/bevestigen/{_newsletter_token(request)}/")


def comment_edit(essay: EssayPage) -> Post:
    comment = _fresh_comment(essay)
    key = comments.author_key(comment)
    return Post(ESSAY + f"reacties/{comment.pk}/bewerken/?reactie={key}", {"text": "Anders."})


def comment_delete(essay: EssayPage) -> Post:
    comment = _fresh_comment(essay)
    key = comments.author_key(comment)
    return Post(ESSAY + f"reacties/{comment.pk}/verwijderen/?reactie={key}")


def comment_moderate(essay: EssayPage) -> Post:
    comment = _held_comment(essay)
    return Post(_path(comments.moderation_link(comment, Comment.Status.APPROVED)))


def consent_withdraw(essay: EssayPage) -> Post:
    return Post(_path(inbox.withdraw_link(_published_message(essay))))


def my_data_form(essay: EssayPage) -> Post:
    fields = {"email": "anna@example.nl"}
    return Post("/mijn-gegevens/", {**fields, "form_token": form_token(), "homepage": ""})


def my_data_newsletter(essay: EssayPage) -> Post:
    _newsletter_consent(essay)
    return Post(f"/mijn-gegevens/{_my_data_token('anna@example.nl')}/", {"action": "newsletter"})


def my_data_replies(essay: EssayPage) -> Post:
    comment = _fresh_comment(essay, notify_replies=True)
    return Post(f"/mijn-gegevens/{_my_data_token(comment.email)}/", {"action": "replies"})


def my_data_publication(essay: EssayPage) -> Post:
    message = _published_message(essay)
    data = {"action": "publication", "message": str(message.pk)}
    return Post(f"/mijn-gegevens/{_my_data_token(message.email)}/", data)


def my_data_erase(essay: EssayPage) -> Post:
    _newsletter_consent(essay)
    data = {"action": "erase", "confirm": "on"}
    return Post(f"/mijn-gegevens/{_my_data_token('anna@example.nl')}/", data)


ENDPOINTS: dict[str, Callable[[EssayPage], Post]] = {
    "the download form": download_form,
    "the readers' message form": message_form,
    "the comment form": comment_form,
    "confirming the address of a download": download_confirm,
    "confirming the newsletter": newsletter_confirm,
    "the author editing their comment": comment_edit,
    "the author deleting their comment": comment_delete,
    "the moderators' one-click link": comment_moderate,
    "withdrawing consent to publish": consent_withdraw,
    "the Mijn gegevens form": my_data_form,
    "Mijn gegevens: withdrawing the newsletter": my_data_newsletter,
    "Mijn gegevens: turning reply mails off": my_data_replies,
    "Mijn gegevens: withdrawing a publication": my_data_publication,
    "Mijn gegevens: erasing everything": my_data_erase,
}
# Routes that take a POST but are not in the matrix above, and why.
NOT_IN_THE_MATRIX = {
    # RFC 8058: a mail provider's one-click POST carries no browser headers; these only ever
    # turn mail off, and are tested on their own below.
    "comment_unsubscribe",
    "newsletter_unsubscribe",
}
# Routes that only show something: a POST to them changes nothing.
SHOW_ONLY = {
    "download_file",
    "privacy_access_sent",
    "privacy_erased",
    "privacy_export_json",
    "privacy_export_csv",
    "download_sent",
    "message_sent",
    "comments_page",
    "comments_feed",
    "index_route",
}


def _route_name(essay: EssayPage, path: str) -> str:
    if path.startswith(ESSAY):
        return str(essay.get_resolver().resolve(path[len(ESSAY) - 1 :].split("?")[0]).url_name)
    return str(resolve(path.split("?")[0]).url_name)


def _routes() -> set[str]:
    """Every named route of the site's own apps, and every route of the essay page."""
    names = set()
    for app in ("downloads", "inbox", "comments", "privacy"):
        module = import_module(f"voorproef.{app}.urls")
        names |= {str(pattern.name) for pattern in module.urlpatterns}
    names |= {str(pattern.name) for pattern in EssayPage.get_subpage_urls()}
    return names


def test_every_route_that_takes_a_post_is_in_the_matrix(essay: EssayPage) -> None:
    covered = {_route_name(essay, ENDPOINTS[name](essay).path) for name in ENDPOINTS}
    assert _routes() - SHOW_ONLY - NOT_IN_THE_MATRIX == covered


@pytest.mark.parametrize("headers", FROM_ANOTHER_SITE)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_post_from_another_site_is_refused_and_changes_nothing(
    essay: EssayPage, endpoint: str, headers: dict[str, str]
) -> None:
    post = ENDPOINTS[endpoint](essay)
    before = world()
    response = send(post.path, post.data, headers)
    assert response.status_code == 403
    assert world() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_same_post_from_the_site_itself_acts(essay: EssayPage, endpoint: str) -> None:
    post = ENDPOINTS[endpoint](essay)
    before = world()
    response = send(post.path, post.data, SAME_ORIGIN)
    assert response.status_code in {200, 302}
    assert world() != before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_post_from_the_sites_own_address_without_fetch_metadata_acts(
    essay: EssayPage, endpoint: str
) -> None:
    post = ENDPOINTS[endpoint](essay)
    before = world()
    response = send(post.path, post.data, {"Origin": "http://testserver"})
    assert response.status_code in {200, 302}
    assert world() != before


# -- the one-click unsubscribe of reply mails (RFC 8058) -----------------------------------------


def _subscribed(essay: EssayPage) -> tuple[Comment, Comment]:
    """Two comments by one reader who wants reply mails, and one by someone else who does."""
    mine = _fresh_comment(essay, notify_replies=True)
    _fresh_comment(essay, notify_replies=True, text="Nog een.")
    other = approved(essay, name="Joost", email="joost@example.nl", notify_replies=True)
    return mine, other


def test_a_mail_programs_one_click_post_unsubscribes_without_browser_headers(
    essay: EssayPage,
) -> None:
    mine, other = _subscribed(essay)
    path = _path(comments.unsubscribe_link(mine))
    response = Client().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Consent.objects.filter(
        email="lotte@example.nl", purpose=Consent.Purpose.REPLIES, withdrawn_at__isnull=True
    ).exists()
    other.refresh_from_db()
    assert other.notify_replies


def _signer(
    *, salt: str, ago: timedelta = timedelta(0), key: str | None = None
) -> signing.TimestampSigner:
    """Signs as the site would have `ago` earlier (or as a site with another key)."""

    class Then(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time() - ago.total_seconds()))

    return Then(salt=salt, key=key)


def _signed(value: Any, *, salt: str, ago: timedelta = timedelta(0), key: str | None = None) -> str:
    """A token made as `signing.dumps` makes the site's links."""
    return _signer(salt=salt, ago=ago, key=key).sign_object(value, compress=False)


def _author_key(comment: Comment, *, ago: timedelta) -> str:
    """The commenter's key in their link, as made `ago` earlier."""
    return _signer(salt=KEY_SALT, ago=ago).sign(str(comment.pk))


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda pk: str(pk), id="the bare comment number"),
        pytest.param(lambda pk: _tampered(_signed(pk, salt=UNSUBSCRIBE_SALT)), id="tampered"),
        pytest.param(
            lambda pk: _signed(pk, salt=UNSUBSCRIBE_SALT, key="not-the-sites-key"),
            id="signed with another key",
        ),
        pytest.param(lambda pk: _signed(pk, salt=WITHDRAW_SALT), id="another link"),
        pytest.param(
            lambda pk: _signed({"c": pk, "s": "spam"}, salt=MODERATE_SALT),
            id="a moderation link",
        ),
    ],
)
def test_an_unsubscribe_post_acts_only_with_the_sites_own_signed_link(
    essay: EssayPage, forge: Callable[[int], str]
) -> None:
    mine, _ = _subscribed(essay)
    before = world()
    response = Client().post(f"/reacties/afmelden/{forge(mine.pk)}/")
    assert response.status_code == 404
    assert world() == before


def test_an_unsubscribe_link_keeps_working_however_old(essay: EssayPage) -> None:
    mine, _ = _subscribed(essay)
    token = _signed(mine.pk, salt=UNSUBSCRIBE_SALT, ago=timedelta(days=3 * 365))
    assert Client().post(f"/reacties/afmelden/{token}/").status_code == 200
    assert not Consent.objects.filter(
        email="lotte@example.nl", purpose=Consent.Purpose.REPLIES, withdrawn_at__isnull=True
    ).exists()


# -- links with a key: altered by one character -------------------------------------------------


def _tampered(token: str, position: int | None = None) -> str:
    """The token with one letter or digit changed."""
    i = len(token) // 2 if position is None else position % len(token)
    while not token[i].isalnum():
        i = (i + 1) % len(token)
    return token[:i] + ("B" if token[i] == "A" else "A") + token[i + 1 :]


@dataclass
class KeyedLink:
    token: str
    url: Callable[[str], str]
    refusal: int = 404
    also_get: list[Callable[[str], str]] = field(default_factory=list)
    # Opened with the key too, and note that they were (the copies "Mijn gegevens" hands out).
    also_get_logged: list[Callable[[str], str]] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=lambda: {"text": "Anders."})


def _download_link(essay: EssayPage) -> KeyedLink:
    _, raw = _download_request(essay, DownloadRequest.Mode.CONFIRM)
    return KeyedLink(raw, lambda t: f"/download/{t}/", also_get=[lambda t: f"/download/{t}/pdf/"])


def _newsletter_link(essay: EssayPage) -> KeyedLink:
    request, _ = _download_request(essay, DownloadRequest.Mode.DIRECT)
    return KeyedLink(_newsletter_token(request), lambda t: f"/nieuwsbrief/bevestigen/{t}/")


def _moderation_link(essay: EssayPage) -> KeyedLink:
    link = comments.moderation_link(_held_comment(essay), Comment.Status.APPROVED)
    return KeyedLink(_path(link).split("/")[-2], lambda t: f"/reacties/beoordelen/{t}/")


def _unsubscribe_link(essay: EssayPage) -> KeyedLink:
    link = comments.unsubscribe_link(_subscribed(essay)[0])
    return KeyedLink(_path(link).split("/")[-2], lambda t: f"/reacties/afmelden/{t}/")


def _withdraw_link(essay: EssayPage) -> KeyedLink:
    link = inbox.withdraw_link(_published_message(essay))
    return KeyedLink(_path(link).split("/")[-2], lambda t: f"/ervaring/intrekken/{t}/")


def _edit_key(essay: EssayPage) -> KeyedLink:
    comment = _fresh_comment(essay)
    url = ESSAY + f"reacties/{comment.pk}/bewerken/?reactie={{}}"
    return KeyedLink(comments.author_key(comment), url.format, refusal=403)


def _delete_key(essay: EssayPage) -> KeyedLink:
    comment = _fresh_comment(essay)
    url = ESSAY + f"reacties/{comment.pk}/verwijderen/?reactie={{}}"
    return KeyedLink(comments.author_key(comment), url.format, refusal=403)


def _newsletter_unsubscribe_link(essay: EssayPage) -> KeyedLink:
    link = downloads.newsletter_unsubscribe_link(_newsletter_consent(essay))
    return KeyedLink(_path(link).split("/")[-2], lambda t: f"/nieuwsbrief/afmelden/{t}/")


def _my_data_link(essay: EssayPage) -> KeyedLink:
    _newsletter_consent(essay)
    return KeyedLink(
        _my_data_token("anna@example.nl"),
        lambda t: f"/mijn-gegevens/{t}/",
        also_get_logged=[
            lambda t: f"/mijn-gegevens/{t}/gegevens.json",
            lambda t: f"/mijn-gegevens/{t}/consents.csv",
        ],
        data={"action": "erase", "confirm": "on"},
    )


KEYED_LINKS: dict[str, Callable[[EssayPage], KeyedLink]] = {
    "personal download link": _download_link,
    "newsletter confirmation": _newsletter_link,
    "moderation link": _moderation_link,
    "reply-mail unsubscribe": _unsubscribe_link,
    "consent withdrawal": _withdraw_link,
    "commenter's key to edit": _edit_key,
    "commenter's key to delete": _delete_key,
    "newsletter unsubscribe": _newsletter_unsubscribe_link,
    "Mijn gegevens link": _my_data_link,
}


def _refused(response: Any, link: KeyedLink) -> None:
    assert response.status_code == link.refusal
    if link.refusal == 403:  # the commenter is told why, in words
        assert "Deze reactie kan niet meer worden gewijzigd" in response.content.decode()


@pytest.mark.parametrize("position", [0, None, -1], ids=["first", "middle", "last"])
@pytest.mark.parametrize("kind", KEYED_LINKS)
def test_a_link_with_one_character_changed_opens_nothing_and_acts_on_nothing(
    essay: EssayPage, kind: str, position: int | None
) -> None:
    link = KEYED_LINKS[kind](essay)
    tampered = _tampered(link.token, position)
    assert tampered != link.token
    before = world()
    client = browser()
    for url in [link.url, *link.also_get, *link.also_get_logged]:
        _refused(client.get(url(tampered)), link)
    _refused(send(link.url(tampered), link.data, SAME_ORIGIN), link)
    assert world() == before


@pytest.mark.parametrize("kind", KEYED_LINKS)
def test_opening_a_link_changes_nothing_until_its_button_is_pressed(
    essay: EssayPage, kind: str
) -> None:
    link = KEYED_LINKS[kind](essay)
    before = world()
    for url in [link.url, *link.also_get]:
        assert browser().get(url(link.token)).status_code in {200, 302}
    assert world() == before
    assert send(link.url(link.token), link.data, SAME_ORIGIN).status_code in {200, 302}
    assert world() != before


def _download_token(essay: EssayPage) -> str:
    return _download_request(essay, DownloadRequest.Mode.DIRECT)[1]


def _consent_pk() -> int:
    return Consent.objects.get(purpose=Consent.Purpose.NEWSLETTER).pk


# A key the site made for one kind of link, put in another kind: each names the same row, or
# has the same shape, so only the kind of key tells them apart.
FOREIGN_KEYS: dict[str, tuple[str, Callable[[EssayPage], str]]] = {
    "newsletter unsubscribe, signed as a reply-mail unsubscribe": (
        "newsletter unsubscribe",
        lambda essay: _signed(_consent_pk(), salt=UNSUBSCRIBE_SALT),
    ),
    "newsletter unsubscribe, signed as a consent withdrawal": (
        "newsletter unsubscribe",
        lambda essay: _signed(_consent_pk(), salt=WITHDRAW_SALT),
    ),
    "Mijn gegevens, with a personal download link's key": ("Mijn gegevens link", _download_token),
    "Mijn gegevens, with a signed newsletter unsubscribe": (
        "Mijn gegevens link",
        lambda essay: _path(
            downloads.newsletter_unsubscribe_link(Consent.objects.get(purpose="newsletter"))
        ).split("/")[-2],
    ),
}


@pytest.mark.parametrize("case", FOREIGN_KEYS)
def test_a_key_made_for_another_kind_of_link_opens_nothing_and_acts_on_nothing(
    essay: EssayPage, case: str
) -> None:
    kind, forge = FOREIGN_KEYS[case]
    link = KEYED_LINKS[kind](essay)
    token = forge(essay)
    before = world()
    client = browser()
    for url in [link.url, *link.also_get, *link.also_get_logged]:
        _refused(client.get(url(token)), link)
    _refused(send(link.url(token), link.data, SAME_ORIGIN), link)
    assert world() == before


def test_a_newsletter_one_click_post_unsubscribes_without_browser_headers(
    essay: EssayPage,
) -> None:
    consent = _newsletter_consent(essay)
    path = _path(downloads.newsletter_unsubscribe_link(consent))
    response = Client().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_a_commenters_key_with_one_character_changed_shows_no_held_comment(
    essay: EssayPage,
) -> None:
    comment = _held_comment(essay)
    key = comments.author_key(comment)
    assert (
        "Je reactie wacht op goedkeuring."
        in browser().get(ESSAY, {"reactie": key}).content.decode()
    )
    html = browser().get(ESSAY, {"reactie": _tampered(key)}).content.decode()
    assert "Je reactie wacht op goedkeuring." not in html
    assert "Nog niet beoordeeld." not in html


# -- links with a key: expired --------------------------------------------------------------------


def _expire(request: DownloadRequest) -> None:
    DownloadRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=1),
    )


def test_an_expired_download_link_offers_a_fresh_one_and_confirms_nothing(
    essay: EssayPage,
) -> None:
    request, raw = _download_request(essay, DownloadRequest.Mode.CONFIRM)
    _expire(request)
    before = world()
    client = browser()
    page = client.get(f"/download/{raw}/")
    assert page.status_code == 410
    assert "Deze link is verlopen" in page.content.decode()
    assert send(f"/download/{raw}/", {}, SAME_ORIGIN).status_code == 410
    assert client.get(f"/download/{raw}/pdf/").status_code == 302  # to the expired page
    assert world() == before
    request.refresh_from_db()
    assert request.confirmed_at is None


def test_an_expired_downloads_newsletter_link_confirms_nothing_before_the_purge_voids_it(
    essay: EssayPage, settings: Any
) -> None:
    from voorproef.privacy.services import retention_purge

    essay.link_valid_days = 2
    request, _ = _download_request(essay, DownloadRequest.Mode.DIRECT)
    newsletter = _newsletter_token(request)
    # Asked three days ago, expired yesterday: the hourly purge leaves the request, its
    # newsletter key and the unconfirmed consent alone for days yet.
    asked = timezone.now() - timedelta(days=3)
    DownloadRequest.objects.filter(pk=request.pk).update(
        created_at=asked, expires_at=asked + timedelta(days=2)
    )
    request.consents.update(given_at=asked)
    retention_purge()
    assert request.consents.exists()
    request.refresh_from_db()
    assert request.newsletter_token_hash == downloads.token_hash(newsletter)
    before = world()
    client = browser()
    page = client.get(f"/nieuwsbrief/bevestigen/{newsletter}/")
    assert page.status_code == 410
    assert "Deze link is verlopen" in page.content.decode()
    refused = send(f"/nieuwsbrief/bevestigen/{newsletter}/", {}, SAME_ORIGIN)
    assert refused.status_code == 410
    assert "Deze link is verlopen" in refused.content.decode()
    assert downloads.newsletter_confirm(raw_token=newsletter) is False
    assert world() == before
    assert not Consent.objects.filter(confirmed_at__isnull=False).exists()


def test_once_the_purge_has_voided_an_expired_link_it_and_its_newsletter_link_are_unknown(
    essay: EssayPage, settings: Any
) -> None:
    from voorproef.privacy.services import retention_purge

    request, raw = _download_request(essay, DownloadRequest.Mode.DIRECT)
    newsletter = _newsletter_token(request)
    DownloadRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=100),
        expires_at=timezone.now() - timedelta(days=settings.RETENTION_NETWORK_DAYS + 1),
    )
    retention_purge()
    before = world()
    client = browser()
    assert client.get(f"/download/{raw}/").status_code == 404
    assert client.get(f"/download/{raw}/pdf/").status_code == 404
    assert send(f"/nieuwsbrief/bevestigen/{newsletter}/", {}, SAME_ORIGIN).status_code == 404
    assert world() == before
    assert not Consent.objects.filter(confirmed_at__isnull=False).exists()


@pytest.mark.parametrize(("days", "status"), [(29, 200), (31, 404)])
def test_a_moderation_link_works_for_thirty_days(essay: EssayPage, days: int, status: int) -> None:
    comment = _held_comment(essay)
    token = _signed({"c": comment.pk, "s": "approved"}, salt=MODERATE_SALT, ago=timedelta(days))
    assert browser().get(f"/reacties/beoordelen/{token}/").status_code == status
    response = send(f"/reacties/beoordelen/{token}/", {}, SAME_ORIGIN)
    assert response.status_code == status
    comment.refresh_from_db()
    expected = Comment.Status.APPROVED if status == 200 else Comment.Status.PENDING
    assert comment.status == expected


@pytest.mark.parametrize("action", ["bewerken", "verwijderen"])
def test_a_commenters_key_older_than_ten_minutes_no_longer_changes_the_comment(
    essay: EssayPage, action: str
) -> None:
    comment = _fresh_comment(essay)  # posted just now: only the key is old
    key = _author_key(comment, ago=timedelta(minutes=11))
    url = ESSAY + f"reacties/{comment.pk}/{action}/?reactie={key}"
    before = world()
    refused = send(url, {"text": "Te laat."}, SAME_ORIGIN)
    assert refused.status_code == 403
    assert "Deze reactie kan niet meer worden gewijzigd" in refused.content.decode()
    assert world() == before


@pytest.mark.parametrize(("minutes", "shown"), [(50, True), (61, False)])
def test_a_held_comment_is_shown_to_its_author_for_an_hour(
    essay: EssayPage, minutes: int, shown: bool
) -> None:
    comment = _held_comment(essay)
    key = _author_key(comment, ago=timedelta(minutes=minutes))
    html = browser().get(ESSAY, {"reactie": key}).content.decode()
    assert ("Je reactie wacht op goedkeuring." in html) is shown


def test_a_consent_withdrawal_link_keeps_working_however_old(essay: EssayPage) -> None:
    message = _published_message(essay)
    token = _signed(message.pk, salt=WITHDRAW_SALT, ago=timedelta(days=5 * 365))
    assert send(f"/ervaring/intrekken/{token}/", {}, SAME_ORIGIN).status_code == 302
    message.refresh_from_db()
    assert message.consent == "" and not message.published
