"""Guards for public forms, which cannot lean on a CSRF cookie because public pages set none.

Each check returns None when the request passes, or a short reason that is logged. Together:
same origin, a signed token carrying the time the form was shown, a honeypot field and rate
limits per address and per email.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from .ip import client_limit_unit
from .keys import keyed_digest

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


def _limit_key(scope: str, key: str) -> str:
    return f"ratelimit:{scope}:{keyed_digest('ratelimit', key)}"


def rate_limit_hit(scope: str, key: str, *, limit: int, seconds: int) -> bool:
    """Count one event for `key`; True when it is over `limit` within the window. One write
    once the window has a count (an increment), two for its first event."""
    bucket = f"{_limit_key(scope, key)}:{int(time.time() // seconds)}"
    for _attempt in range(2):
        try:
            return cache.incr(bucket) > limit
        except ValueError:  # no count in this window yet
            if cache.add(bucket, 1, timeout=seconds):
                return limit < 1
            # Another process counted the window's first event in between: count on it.
    return False


def cooldown_active(scope: str, key: str) -> bool:
    """Whether `key` acted within the seconds its last `cooldown_start` set: a sliding window
    of one, where `rate_limit_hit` counts in fixed windows."""
    return cache.get(_limit_key(scope, key)) is not None


def cooldown_start(scope: str, key: str, *, seconds: int) -> None:
    cache.set(_limit_key(scope, key), 1, timeout=seconds)


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


def public_post(
    request: HttpRequest,
    form: forms.Form,
    *,
    name: str,
    form_page: Callable[..., HttpResponseBase],
) -> HttpResponseBase | None:
    """Every guard of a public form's POST, in order: the request's (origin, token, honeypot,
    the per-network limit), the form's fields, then the per-address limit. Returns the page to
    answer a refused or mistaken post with, `form_page(message=…, status=…)` (the form with
    what was typed); None when the post may be stored."""
    if refusal := post_refusal(request, form=name):
        return form_page(message=refusal.message, status=refusal.status)
    if not form.is_valid():
        return form_page()
    if refusal := email_refusal(request, form=name, email=form.cleaned_data["email"]):
        return form_page(message=refusal.message, status=refusal.status)
    return None
