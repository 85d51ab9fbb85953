"""Admin sign-in that slows down guessing: after a few wrong passwords for one account, or
many from one address, sign-in is refused for a while. The answer looks like any wrong password,
so it tells a guesser nothing.

Whoever knows an editor's name could keep that account locked by failing on purpose. So a
browser an editor signed in from before carries a device cookie (signed, for the admin's paths
only), and its tries count on a lock of its own: the account's lock keeps out the rest of the
world, not that browser. A new password (a reset link by mail, or a colleague) lifts the
account's lock too. This is OWASP's "device cookie" defence."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .ip import client_limit_unit
from .keys import keyed_digest

logger = logging.getLogger("voorproef.auth")


DEVICE_COOKIE = "voorproef_device"
_DEVICE_SALT = "voorproef.auth.device"
_DEVICE_SECONDS = 365 * 24 * 3600


def _device(request: HttpRequest | None, username: str) -> str | None:
    """This browser's id, when an editor signed in under this name from it before."""
    raw = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not raw:
        return None
    try:
        account, device = signing.loads(raw, salt=_DEVICE_SALT, max_age=_DEVICE_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return str(device) if account == keyed_digest("auth", username.casefold()) else None


def _keys(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    def key(kind: str, value: str) -> str:
        return f"login-failures:{kind}:{keyed_digest('auth', value)}"

    device = _device(request, username)
    account = (
        key("device", f"{username.casefold()}:{device}")
        if device
        else key("user", username.casefold())
    )
    keys = [(account, settings.LOGIN_FAILURES_PER_ACCOUNT)]
    if request is not None:
        keys.append((key("ip", client_limit_unit(request)), settings.LOGIN_FAILURES_PER_IP))
    return keys


def login_locked(request: HttpRequest | None, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, username))


def _failure_count(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    username = str(credentials.get("username", ""))
    for key, _limit in _keys(request, username):
        if not cache.add(key, 1, timeout=settings.LOGIN_LOCK_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, timeout=settings.LOGIN_LOCK_SECONDS)


def _unlock_on_new_password(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    """A new password lifts the account's lock: only someone who could set one does that.

    `set_password()` keeps the new password in `_password` until the save (Django's own
    `password_changed()` hook reads it there). A hash upgraded on sign-in (a new Django raises
    the hasher's work) is saved without it: checking the right password while locked must not
    lift the lock."""
    if not raw and instance.pk is not None and getattr(instance, "_password", None) is not None:
        cache.delete(_keys(None, instance.get_username())[0][0])


def _device_remember(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """Signed in: the answer gives this browser a device cookie for this account (kept by
    DeviceCookieMiddleware, as the signal has no response to set it on)."""
    if request is not None:
        account = keyed_digest("auth", user.get_username().casefold())
        device = _device(request, user.get_username()) or secrets.token_urlsafe(12)
        request.voorproef_device = signing.dumps([account, device], salt=_DEVICE_SALT)  # type: ignore[attr-defined]


class DeviceCookieMiddleware:
    """Sets the device cookie an editor's sign-in earned: the admin's paths only, never
    readable by scripts, never sent from another site."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if value := getattr(request, "voorproef_device", None):
            response.set_cookie(
                DEVICE_COOKIE,
                value,
                max_age=_DEVICE_SECONDS,
                path="/admin/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
        return response


def connect() -> None:
    user_login_failed.connect(_failure_count, dispatch_uid="voorproef-login-failures")
    user_logged_in.connect(_device_remember, dispatch_uid="voorproef-login-device")
    pre_save.connect(
        _unlock_on_new_password,
        sender=get_user_model(),
        dispatch_uid="voorproef-login-unlock",
    )


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        locked = username is not None and login_locked(request, username)
        # Locked or not, the account is looked up and the password hashed: a refusal that
        # skipped that work would answer measurably faster than a wrong password.
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if locked:
            logger.warning("sign-in refused: too many failures")
            raise PermissionDenied  # Django then reports a failed login, as for a wrong password
        return user


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form, with its password field labelled in the admin's language
    (Wagtail leaves it to Django, which names it after the field: "Password")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
