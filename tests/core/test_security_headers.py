"""Every kind of public answer says what a browser may do with it, even from the page cache; an
answer whose address holds a key also stays out of every cache and sends no referrer.

Pages get the site's policy (voorproef/settings.py, CONTENT_SECURITY_POLICY). Files the app makes
(the personal PDF, the exports, feeds, healthz, static files, images) get the same policy: none
of them needs more, and it forbids inline script and framing should a browser render one. The
personal files are attachments besides. Editors' documents keep Wagtail's stricter
`default-src 'none'`. Every answer: nosniff, X-Frame-Options, Permissions-Policy and CORP.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils import timezone

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from tests.support import ROOT, SUITE_ONLY_ENV, form_token, written
from voorproef.comments import services as comments
from voorproef.comments.models import Comment
from voorproef.core.middleware import public_policy, public_policy_digest
from voorproef.downloads import services as downloads
from voorproef.downloads.models import DownloadRequest, EssayPdf
from voorproef.essays.models import EssayPage, HomePage
from voorproef.inbox import services as inbox
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy import services as privacy
from voorproef.privacy.consent import consent_record
from voorproef.privacy.models import AccessLink, Consent

pytestmark = pytest.mark.django_db

ESSAY = "/nieuw-publiek-werken/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
CROSS_SITE = {"Sec-Fetch-Site": "cross-site"}
# What a public page never uses; each must be denied to the page and to anything it embeds.
DENIED_FEATURES = {
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "serial",
    "hid",
    "midi",
    "display-capture",
    "browsing-topics",
    "interest-cohort",
    "fullscreen",
    "autoplay",
    "publickey-credentials-get",
    "identity-credentials-get",
}


# -- what every answer must say -------------------------------------------------------------------


def _directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    return {name: value for name, _, value in (d.strip().partition(" ") for d in policy.split(";"))}


def assert_every_answer_headers(response: Any, where: str) -> None:
    """What no answer may lack, page or file."""
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}, where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["Cross-Origin-Resource-Policy"] == "same-origin", where
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    assert not DENIED_FEATURES - features.keys(), where
    assert set(features.values()) == {"()"}, where  # nothing allowed, not even to the site


def assert_site_policy(response: Any, where: str) -> None:
    """A page (or a file the app makes): every answer's headers, and the site's policy."""
    assert_every_answer_headers(response, where)
    directives = _directives(response)
    assert directives["default-src"] == "'self'", where
    assert directives["script-src"] == "'self'", where
    assert directives["style-src"] == "'self'", where
    assert directives["frame-ancestors"] == "'none'", where
    assert directives["object-src"] == "'none'", where
    assert directives["base-uri"] == "'self'", where
    assert directives["form-action"] == "'self'", where


def assert_private(response: Any, where: str) -> None:
    """An answer at an address that holds a key: kept by no cache, its address sent nowhere."""
    cache_control = {v.strip() for v in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, where
    assert response["Referrer-Policy"] == "no-referrer", where
    assert response["X-Robots-Tag"] == "noindex", where
    assert "X-Cache" not in response, where
    assert "X-Accel-Expires" not in response, where  # nor by the proxy in front


# -- how to get each answer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    path: str
    status: int
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, client: Client) -> Any:
        send = getattr(client, self.method)
        if self.method == "post":
            return send(self.path, self.data, headers=self.headers)
        return send(self.path, headers=self.headers)


def _download(essay: EssayPage, *, newsletter: bool = False) -> tuple[DownloadRequest, str]:
    return requested(essay, newsletter=newsletter)


def _download_link(essay: EssayPage) -> str:
    return f"/download/{_download(essay)[1]}/"


def _expired_download_link(essay: EssayPage) -> str:
    link = _download_link(essay)
    DownloadRequest.objects.update(
        created_at=timezone.now() - timedelta(days=40), expires_at=timezone.now() - timedelta(1)
    )
    return link


def _newsletter_confirm_link(essay: EssayPage) -> str:
    request, _ = _download(essay, newsletter=True)
    assert request.mail is not None
    mail = written(request.mail)
    found = re.search(r"(/nieuwsbrief/bevestigen/[^/\s]+/)", mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def _newsletter_unsubscribe_link(essay: EssayPage) -> str:
    request, _ = _download(essay, newsletter=True)
    consent = request.consents.get(purpose=Consent.Purpose.NEWSLETTER)
    return urlsplit(downloads.newsletter_unsubscribe_link(consent)).path


def _held_comment(essay: EssayPage) -> Comment:
    return approved(essay, name="Lotte", email="lotte@example.nl", status=Comment.Status.PENDING)


def _moderation_link(essay: EssayPage) -> str:
    return urlsplit(comments.moderation_link(_held_comment(essay), "approved")).path


def _comment_unsubscribe_link(essay: EssayPage) -> str:
    return urlsplit(comments.unsubscribe_link(_held_comment(essay))).path


def _own_comment_link(essay: EssayPage, action: str) -> str:
    comment = _held_comment(essay)
    return f"{ESSAY}reacties/{comment.pk}/{action}/?reactie={comments.author_key(comment)}"


def _withdraw_link(essay: EssayPage) -> str:
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
    return urlsplit(inbox.withdraw_link(message)).path


def _my_data_link(essay: EssayPage) -> str:
    """The "Mijn gegevens" link as the site mails it."""
    _download(essay)
    privacy.access_link_send(email="anna@example.nl")
    mail = OutgoingMail.objects.filter(kind=privacy.ACCESS_MAIL).latest("pk")
    found = re.search(r"(/mijn-gegevens/[\w-]+/)", mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def _expired_my_data_link(essay: EssayPage) -> str:
    link = _my_data_link(essay)
    AccessLink.objects.update(
        created_at=timezone.now() - timedelta(hours=25),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    return link


def _pdf_not_made_yet(essay: EssayPage) -> str:
    link = _download_link(essay)
    EssayPdf.objects.all().delete()
    return link + "pdf/"


KEYED: dict[str, Callable[[EssayPage], Ask]] = {
    "download landing": lambda e: Ask(_download_link(e), 200),
    "download landing, new": lambda e: Ask(_download_link(e) + "?nieuw=1", 200),
    "download landing, expired": lambda e: Ask(_expired_download_link(e), 410),
    "download landing, cross-site post": lambda e: Ask(
        _download_link(e), 403, "post", headers=CROSS_SITE
    ),
    "download pdf, being made": lambda e: Ask(_pdf_not_made_yet(e), 503),
    "newsletter confirm": lambda e: Ask(_newsletter_confirm_link(e), 200),
    "newsletter confirmed": lambda e: Ask(
        _newsletter_confirm_link(e), 200, "post", headers=SAME_ORIGIN
    ),
    "newsletter confirm, cross-site post": lambda e: Ask(
        _newsletter_confirm_link(e), 403, "post", headers=CROSS_SITE
    ),
    "newsletter unsubscribe": lambda e: Ask(_newsletter_unsubscribe_link(e), 200),
    "newsletter unsubscribed (one click)": lambda e: Ask(
        _newsletter_unsubscribe_link(e), 200, "post"
    ),
    "comment moderate": lambda e: Ask(_moderation_link(e), 200),
    "comment moderated": lambda e: Ask(_moderation_link(e), 200, "post", headers=SAME_ORIGIN),
    "comment moderate, cross-site post": lambda e: Ask(
        _moderation_link(e), 403, "post", headers=CROSS_SITE
    ),
    "comment unsubscribe": lambda e: Ask(_comment_unsubscribe_link(e), 200),
    "comment unsubscribed (one click)": lambda e: Ask(_comment_unsubscribe_link(e), 200, "post"),
    "consent withdraw": lambda e: Ask(_withdraw_link(e), 200),
    "consent withdraw, cross-site post": lambda e: Ask(
        _withdraw_link(e), 403, "post", headers=CROSS_SITE
    ),
    "my data": lambda e: Ask(_my_data_link(e), 200),
    "my data, expired": lambda e: Ask(_expired_my_data_link(e), 410),
    "my data, made-up link": lambda e: Ask("/mijn-gegevens/een-link-die-niemand-kreeg/", 404),
    "my data, cross-site post": lambda e: Ask(
        _my_data_link(e), 403, "post", {"action": "newsletter"}, CROSS_SITE
    ),
    "my data, unknown action": lambda e: Ask(
        _my_data_link(e), 400, "post", {"action": "?"}, SAME_ORIGIN
    ),
    "my data, expired json": lambda e: Ask(_expired_my_data_link(e) + "gegevens.json", 410),
    "essay with the author's key": lambda e: Ask(
        f"{ESSAY}?reactie={comments.author_key(_held_comment(e))}", 200
    ),
    "home with the author's key": lambda e: Ask(
        f"/?reactie={comments.author_key(_held_comment(e))}", 200
    ),
    "own comment edit": lambda e: Ask(_own_comment_link(e, "bewerken"), 200),
    "own comment edit, refused": lambda e: Ask(
        _own_comment_link(e, "bewerken"), 400, "post", {"text": ""}, SAME_ORIGIN
    ),
    "own comment edit, cross-site post": lambda e: Ask(
        _own_comment_link(e, "bewerken"), 403, "post", {"text": "Anders."}, CROSS_SITE
    ),
    "own comment delete": lambda e: Ask(_own_comment_link(e, "verwijderen"), 200),
    "own comment deleted": lambda e: Ask(
        _own_comment_link(e, "verwijderen"), 200, "post", headers=SAME_ORIGIN
    ),
    "own comment, time over or key wrong": lambda e: Ask(
        _own_comment_link(e, "bewerken")[:-3] + "xyz", 403
    ),
}


@pytest.mark.parametrize("name", KEYED)
def test_a_page_whose_address_holds_a_key_is_private_and_strict(
    client: Client, essay: EssayPage, name: str
) -> None:
    ask = KEYED[name](essay)
    for attempt in range(2):  # never from the page cache either
        response = ask.send(client)
        assert response.status_code == ask.status, (name, attempt)
        assert_site_policy(response, name)
        assert_private(response, name)
        if ask.method == "post":
            break


def _export(name: str, content_type: str) -> Callable[[EssayPage], tuple[str, str]]:
    return lambda essay: (_my_data_link(essay) + name, content_type)


# The personal files: attachments, kept by no cache, under the site's policy.
FILES: dict[str, Callable[[EssayPage], tuple[str, str]]] = {
    "personal pdf": lambda e: (_download_link(e) + "pdf/", "application/pdf"),
    "my data json": _export("gegevens.json", "application/json"),
    **{f"my data {k}.csv": _export(f"{k}.csv", "text/csv") for k in privacy.export_file_names()},
}


@pytest.mark.parametrize("name", FILES)
def test_a_personal_file_is_a_private_attachment_that_is_never_sniffed(
    client: Client, essay: EssayPage, name: str
) -> None:
    path, content_type = FILES[name](essay)
    for method in ("get", "head"):
        response = getattr(client, method)(path)
        if method == "head" and response.status_code == 405:  # the exports answer GET only
            continue
        assert response.status_code == 200, (name, method)
        assert response["Content-Type"].split(";")[0] == content_type
        assert response["Content-Disposition"].startswith("attachment;"), name
        assert_site_policy(response, name)
        assert_private(response, name)


# -- public pages, fresh and from the page cache --------------------------------------------------


def _second_comment_page(essay: EssayPage) -> str:
    Comment.objects.bulk_create(
        Comment(essay=essay, name=f"Lezer {n}", text=f"Reactie {n}.", status="approved")
        for n in range(55)
    )
    return ESSAY + "reacties/2/"


CACHED: dict[str, Callable[[EssayPage], str]] = {
    "home": lambda e: "/",
    "essay": lambda e: ESSAY,
    "download sent": lambda e: ESSAY + "download/verstuurd/",
    "message sent": lambda e: ESSAY + "bericht/verstuurd/",
    "comments page 2": _second_comment_page,
    "comments feed": lambda e: ESSAY + "reacties/feed/",
    "privacy statement": lambda e: "/privacy/",
    "my data form": lambda e: "/mijn-gegevens/",
    "my data sent": lambda e: "/mijn-gegevens/verstuurd/",
}


@pytest.mark.parametrize("name", CACHED)
def test_a_cached_page_keeps_its_headers_when_it_comes_from_the_cache(
    client: Client, essay: EssayPage, name: str
) -> None:
    path = CACHED[name](essay)
    first, second = client.get(path), client.get(path)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT"), name
    for response in (first, second):
        assert_site_policy(response, name)
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "private" not in response.get("Cache-Control", "")


def _reply_link(essay: EssayPage) -> str:
    return f"{ESSAY}?antwoord={approved(essay).pk}"


UNCACHED: dict[str, Callable[[EssayPage], Ask]] = {
    "essay, replying": lambda e: Ask(_reply_link(e), 200),
    "home, page 2": lambda e: Ask("/?pagina=2", 200),
    "essay feed": lambda e: Ask("/feed/", 200),
    "sitemap": lambda e: Ask("/sitemap.xml", 200),
    "robots.txt": lambda e: Ask("/robots.txt", 200),
    "healthz": lambda e: Ask("/healthz", 200),
    "not found": lambda e: Ask("/pagina-die-niet-bestaat/", 404),
    "download, made-up key": lambda e: Ask("/download/bestaat-niet/", 404),
    "pdf, made-up key": lambda e: Ask("/download/bestaat-niet/pdf/", 404),
    "withdraw, forged key": lambda e: Ask("/ervaring/intrekken/1:forged/", 404),
    "comments page 3 of 1": lambda e: Ask(ESSAY + "reacties/3/", 404),
    "my data erased, forged numbers": lambda e: Ask("/mijn-gegevens/gewist/?n=1:forged", 200),
    "my data erased, post": lambda e: Ask("/mijn-gegevens/gewist/", 405, "post"),
    "wagtail's front-end login": lambda e: Ask("/_util/login/", 200),
    "healthz, post": lambda e: Ask("/healthz", 405, "post"),
    "robots.txt, post": lambda e: Ask("/robots.txt", 405, "post"),
    "download landing, delete": lambda e: Ask("/download/bestaat-niet/", 405, "delete"),
}


@pytest.mark.parametrize("name", UNCACHED)
def test_a_public_answer_outside_the_cache_carries_the_strict_headers(
    client: Client, essay: EssayPage, name: str
) -> None:
    ask = UNCACHED[name](essay)
    for attempt in range(2):
        response = ask.send(client)
        assert response.status_code == ask.status, (name, attempt)
        assert "X-Cache" not in response
        assert_site_policy(response, name)


def test_a_password_protected_page_asks_for_the_password_under_the_strict_headers(
    client: Client, essay: EssayPage
) -> None:
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=essay, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    response = client.get(ESSAY)
    html = response.content.decode()
    assert response.status_code == 200 and 'type="password"' in html
    assert_site_policy(response, "password form")
    assert "Wil je verder lezen" not in html

    # The form's address is Wagtail's own, not swallowed by the page tree: the password opens
    # the page (for this browser, by a session cookie: a restricted page is not a public one).
    action = re.search(r'<form[^>]+action="([^"]+)"', html)
    assert action and action.group(1).startswith("/_util/authenticate_with_password/")
    wrong = client.post(action.group(1), {"password": "fout", "return_url": ESSAY})
    assert wrong.status_code == 200 and "Wil je verder lezen" not in wrong.content.decode()
    opened = client.post(action.group(1), {"password": "geheim", "return_url": ESSAY})
    assert opened.status_code == 302 and opened["Location"] == ESSAY
    assert "Wil je verder lezen" in client.get(ESSAY).content.decode()


# -- the public forms' refusals and the server's own errors ---------------------------------------

FORMS = {
    "download": (ESSAY + "download/", {"name": "Anna", "email": "anna@example.nl"}),
    "message": (ESSAY + "bericht/", {"name": "Anna", "email": "anna@example.nl", "text": "Hoi."}),
    "comment": (
        ESSAY + "reacties/plaatsen/",
        {"name": "Anna", "email": "anna@example.nl", "text": "Dank!"},
    ),
    "my data": ("/mijn-gegevens/", {"email": "anna@example.nl"}),
}
# Each refusal: its status, whether the post carries a good form token, and where it is from.
REFUSALS = {
    "invalid": (400, False, SAME_ORIGIN),
    "cross-site": (403, True, CROSS_SITE),
    "too many": (429, True, SAME_ORIGIN),
}


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("form", FORMS)
def test_a_refused_form_post_carries_the_strict_headers(
    client: Client, settings: Any, form: str, refusal: str
) -> None:
    settings.FORM_POSTS_PER_IP_PER_HOUR = 0 if refusal == "too many" else 30
    path, fields = FORMS[form]
    status, with_token, headers = REFUSALS[refusal]
    token = form_token() if with_token else ""
    response = client.post(path, {**fields, "form_token": token, "homepage": ""}, headers=headers)
    assert response.status_code == status
    assert_site_policy(response, f"{form} {refusal}")


def test_a_post_too_large_to_read_is_refused_under_the_strict_headers(client: Client) -> None:
    response = client.post(
        ESSAY + "bericht/",
        "text=" + "x" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
        headers=SAME_ORIGIN,
    )
    assert response.status_code in {400, 413}  # Django's check, or the body limit before it
    assert_site_policy(response, "too large")


def test_the_server_error_page_carries_the_strict_headers(monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(HomePage, "get_context", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "/static/core/css/site.css" in response.content.decode()  # the site's own 500.html
    assert_site_policy(response, "500")


# -- files ----------------------------------------------------------------------------------------


def _rendition_path(client: Client) -> str:
    html = client.get(ESSAY).content.decode()
    found = re.search(r'src="(/media/images/[^"]+)"', html)
    assert found, "the essay shows an image"
    return found.group(1)


STATIC = {
    "static css": ("/static/core/css/site.css", "text/css"),
    "static js": ("/static/core/js/forms.js", "text/javascript"),
    "static svg": ("/static/core/img/favicon.svg", "image/svg+xml"),
}


@pytest.mark.parametrize("name", STATIC)
def test_a_static_file_carries_nosniff_and_the_policy(client: Client, name: str) -> None:
    path, content_type = STATIC[name]
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert_site_policy(response, name)


def test_an_image_rendition_carries_nosniff_and_the_policy(client: Client) -> None:
    response = client.get(_rendition_path(client))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert_site_policy(response, "image")


def test_an_original_image_or_other_media_has_no_address(client: Client) -> None:
    response = client.get("/media/original_images/omslag.jpg")
    assert response.status_code == 404
    assert_site_policy(response, "media outside images/")


def _document() -> Any:
    """An editor's document, as Wagtail serves it."""
    from wagtail.documents import get_document_model

    document = get_document_model()(title="Jaarverslag")
    document.file.save("jaarverslag.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return document


def test_a_document_is_an_attachment_under_a_policy_that_allows_nothing(client: Client) -> None:
    response = client.get(_document().url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert_every_answer_headers(response, "document")
    assert _directives(response) == {"default-src": "'none'"}


def test_an_essay_pdf_at_its_document_address_is_not_found_under_the_strict_headers(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    from wagtail.documents import get_document_model

    document = get_document_model()(title="Essay (pdf)")
    document.file.save("essay.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    essay.pdf_document = document
    publish(essay)
    response = client.get(document.url)
    assert response.status_code == 404
    assert_site_policy(response, "essay document")


# -- over HTTPS, as in production -----------------------------------------------------------------


def _production_security_settings(tmp_path: Path) -> dict[str, Any]:
    """The security settings voorproef/settings.py makes for an https site behind nginx."""
    # A secret of its own: settings read in a fresh VAR_DIR do not make one.
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY_ENV | {"SECRET_KEY_FILE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="voorproef.settings",
        SECRET_KEY="only-for-reading-settings-in-these-tests",
        VAR_DIR=str(tmp_path),
        DEBUG="0",
        SITE_URL="https://essays.example.nl",
        BEHIND_PROXY="1",
    )
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ]
    code = (
        "import json\nfrom voorproef import settings\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_over_https_every_answer_tells_the_browser_to_keep_to_https(
    essay: EssayPage, tmp_path: Path
) -> None:
    production = _production_security_settings(tmp_path)
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    over_https = {"X-Forwarded-Proto": "https"}  # as nginx passes it on
    with override_settings(**production):
        client = Client()  # reads the settings when its first request builds the middleware
        plain = client.get(ESSAY)
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        answers = {
            "essay": client.get(ESSAY, headers=over_https),
            "essay from the cache": client.get(ESSAY, headers=over_https),
            "download landing": client.get(_download_link(essay), headers=over_https),
            "static": client.get("/static/core/css/site.css", headers=over_https),
            "not found": client.get("/pagina-die-niet-bestaat/", headers=over_https),
        }
    assert answers["essay from the cache"]["X-Cache"] == "HIT"
    for name, response in answers.items():
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), name
        assert_site_policy(response, name)
    assert_private(answers["download landing"], "download landing")


# -- the admin ------------------------------------------------------------------------------------


def test_the_admin_is_left_to_wagtail(editor_client: Client) -> None:
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" not in response
    # Only the site's own pages load the admin's answers: no other site may embed them.
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


# -- the public policy, left to the proxy in front that holds the same (deploy/nginx) -------------


def _by_proxy(digest: str | None = None) -> dict[str, str]:
    """What the shipped nginx config adds to each request it passes on."""
    return {"X-Voorproef-Policy": digest or public_policy_digest()}


def test_a_proxy_with_the_sites_policy_gets_its_digest_in_the_policys_place(
    client: Client, essay: EssayPage
) -> None:
    asks = [ESSAY, ESSAY, "/pagina-die-niet-bestaat/", "/download/bestaat-niet/pdf/", "/feed/"]
    answers = [client.get(path, headers=_by_proxy()) for path in asks]
    assert [answer.get("X-Cache") for answer in answers[:2]] == ["MISS", "HIT"]
    for path, answer in zip(asks, answers, strict=True):
        assert answer["X-Voorproef-Policy"] == public_policy_digest(), path
        assert "Content-Security-Policy" not in answer, path
        assert "Permissions-Policy" not in answer, path
        assert answer["X-Frame-Options"] == "DENY", path  # the rest as always
    refused = client.post(ESSAY + "download/", {"name": "Anna"}, headers=_by_proxy())
    assert refused["X-Voorproef-Policy"] == public_policy_digest()
    # Asked straight, as a browser does, the same page carries its policy whole.
    assert_site_policy(client.get(ESSAY), "essay, from the app itself")
    assert "X-Voorproef-Policy" not in client.get(ESSAY)


def test_a_proxy_with_another_copy_of_the_policy_gets_the_headers_whole(
    client: Client, essay: EssayPage
) -> None:
    # A site that upgraded the app and not its nginx config: nginx adds nothing then.
    for _ in range(2):  # rendered, then from the cache
        answer = client.get(ESSAY, headers=_by_proxy("0123456789abcdef"))
        assert "X-Voorproef-Policy" not in answer
        assert_site_policy(answer, "essay, for a proxy with an old copy")


def test_answers_with_a_policy_of_their_own_keep_it_behind_the_proxy(
    client: Client, editor_client: Client
) -> None:
    kept = client.get(_document().url, headers=_by_proxy())
    assert "X-Voorproef-Policy" not in kept
    assert _directives(kept) == {"default-src": "'none'"}
    admin = editor_client.get("/admin/", headers=_by_proxy())
    assert admin.status_code == 200 and "X-Voorproef-Policy" not in admin
    assert "Content-Security-Policy" not in admin and "Permissions-Policy" not in admin


def test_every_process_sends_the_policy_in_the_same_words() -> None:
    # django-csp orders the directives as a set does, which differs per process; the digest
    # the proxy holds is of one wording.
    script = (
        "import django; django.setup(); from voorproef.core import middleware as m; "
        "print(m.public_policy()[0]); print(m.public_policy_digest())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "voorproef.settings"}
    said = set()
    for seed in ("1", "2", "3", "4"):
        process = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        said.add(process.stdout)
    assert said == {f"{public_policy()[0]}\n{public_policy_digest()}\n"}
