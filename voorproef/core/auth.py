"""Admin sign-in that slows down guessing: after a few wrong passwords for one account, or
many from one address, sign-in is refused for a while. The answer looks like any wrong password,
so it tells a guesser nothing. The editor waits, or sets a new password (a reset link by mail, or
a colleague): a new password lifts the account's lock at once, so whoever fails on purpose to
keep an editor out cannot."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.http import HttpRequest

from .ip import client_limit_unit

logger = logging.getLogger("voorproef.auth")


def _keys(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    def key(kind: str, value: str) -> str:
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
        return f"login-failures:{kind}:{digest}"

    keys = [(key("user", username.casefold()), settings.LOGIN_FAILURES_PER_ACCOUNT)]
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


def connect() -> None:
    user_login_failed.connect(_failure_count, dispatch_uid="voorproef-login-failures")
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
