"""Guards for public forms, which cannot lean on a CSRF cookie because public pages set none.

Each check returns None when the request passes, or a short reason that is logged. Together:
same origin, a signed token carrying the time the form was shown, a honeypot field and rate
limits per address and per email.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from .ip import client_limit_unit

logger = logging.getLogger("voorproef.guards")

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
FORM_TOKEN_PLACEHOLDER = "__voorproef_form_token__"  # noqa: S105
HONEYPOT_FIELD = "homepage"
_SALT = "voorproef.form-token"


_token_made: tuple[int, str, str] = (0, "", "")


def form_token_new() -> str:
    """The token of a form shown now: the second it was shown, signed. Every page served in the
    same second carries the same one, so it is signed once per second (and key)."""
    global _token_made
    second, key = int(time.time()), settings.SECRET_KEY
    if _token_made[:2] != (second, key):
        _token_made = (second, key, signing.dumps(second, salt=_SALT, compress=False))
    return _token_made[2]


def form_token_check(token: str) -> str | None:
    try:
        shown_at = int(signing.loads(token, salt=_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "bad form token"
    age = time.time() - shown_at
    if age < settings.FORM_MIN_SECONDS:
        return "posted too fast"
    if age > settings.FORM_MAX_AGE_SECONDS:
        return "form too old"
    return None


def origin_check(request: HttpRequest) -> str | None:
    """Refuse posts that a browser says come from another site."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return None if fetch_site in {"same-origin", "none"} else f"cross-site post ({fetch_site})"
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return None  # an old client; the other guards still apply
    allowed = {
        f"{p.scheme}://{p.netloc}"
        for p in (urlsplit(settings.SITE_URL), urlsplit(request.build_absolute_uri("/")))
    }
    return None if origin in allowed else "post from another origin"


def honeypot_check(data: Mapping[str, Any]) -> str | None:
    return "honeypot filled" if data.get(HONEYPOT_FIELD) else None


def rate_limit_hit(scope: str, key: str, *, limit: int, seconds: int) -> bool:
    """Count one event for `key`; True when it is over `limit` within the window."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
    bucket = f"ratelimit:{scope}:{digest}:{int(time.time() // seconds)}"
    if cache.add(bucket, 1, timeout=seconds):
        return limit < 1
    try:
        return cache.incr(bucket) > limit
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=seconds)
        return False


def refusal_log(form: str, reason: str, request: HttpRequest) -> None:
    logger.warning("%s refused: %s (%s)", form, reason, request.path)


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def post_refusal(request: HttpRequest, *, form: str) -> Refusal | None:
    """Run every guard but the per-address limit on a public form's POST; a refusal says what
    the reader is told and with which status. Each refusal is logged."""
    status = 403
    reason = origin_check(request)
    if reason is None:
        status = 400
        token = request.POST.get(FORM_TOKEN_FIELD, "")
        reason = honeypot_check(request.POST) or form_token_check(token)
    if reason is None and rate_limit_hit(
        f"{form}-ip",
        client_limit_unit(request),
        limit=settings.FORM_POSTS_PER_IP_PER_HOUR,
        seconds=3600,
    ):
        reason, status = "too many posts from this address", 429
    if reason is None:
        return None
    refusal_log(form, reason, request)
    # A person meets the first two (a form filled in by the browser and sent at once, a tab
    # left open for a day) and is told what to do; what else fails here, a person does not do.
    messages = {
        403: _("This form can only be sent from this site."),
        429: _("Too many requests from your connection. Please try again in an hour."),
        "posted too fast": _(
            "That went faster than we expect of a person. Wait a moment and send it again."
        ),
        "form too old": _("This form was open for a long time. Please send it again."),
    }
    message = messages.get(status) or messages.get(reason)
    return Refusal(
        status,
        message or _("Something in this form went wrong. Please check it and send it again."),
    )


def email_refusal(request: HttpRequest, *, form: str, email: str) -> Refusal | None:
    """The per-address limit, checked once the address is known to be valid."""
    if not rate_limit_hit(
        f"{form}-email", email, limit=settings.FORM_POSTS_PER_EMAIL_PER_HOUR, seconds=3600
    ):
        return None
    refusal_log(form, "too many posts for this email", request)
    return Refusal(429, _("Too many requests for this address. Please try again in an hour."))


class FormTokenMiddleware:
    """Puts a fresh form token in each HTML response where a form left the placeholder, so a
    page served from the cache still carries a token with its own time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponse)
            and response.get("Content-Type", "").startswith("text/html")
            and FORM_TOKEN_PLACEHOLDER.encode() in response.content
        ):
            response.content = response.content.replace(
                FORM_TOKEN_PLACEHOLDER.encode(), form_token_new().encode()
            )
            # Announced further in for the placeholder, or not at all (a page from the cache):
            # the real length, so no server cuts the page off or sends it in chunks.
            response["Content-Length"] = str(len(response.content))
            # The bytes differ per response; no shared cache may keep them. A stricter rule
            # the view set (a page whose address holds a key) stays.
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-cache"
        return response


def _body_limit(request: HttpRequest) -> int:
    """Public forms are a few text fields: DATA_UPLOAD_MAX_MEMORY_SIZE. In the admin editors
    upload images and documents: up to ADMIN_BODY_MAX_BYTES, once an editor is signed in.
    Anyone (a reader with an account for a restricted page too) may post the sign-in form,
    which Django's CSRF check reads whole, files and all."""
    if request.path.startswith("/admin/") and request.user.has_perm("wagtailadmin.access_admin"):
        return int(settings.ADMIN_BODY_MAX_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class BodyLimitMiddleware:
    """Django caps form data at DATA_UPLOAD_MAX_MEMORY_SIZE but not files, which it would
    write to disk: a POST that announces more than its limit (`_body_limit`) is refused before
    anything reads it. Multipart stays allowed below it: mail providers send RFC 8058
    unsubscribes so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > _body_limit(request):
                refusal_log("any", "request body too large", request)
                return HttpResponse(
                    _("This request is too large."),
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
