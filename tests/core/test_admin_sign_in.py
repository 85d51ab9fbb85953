"""Guessing an editor's password is slowed down; editors' sessions end."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, password: str, ip: str = "198.51.100.1") -> Any:
    return client.post(
        "/admin/login/", {"username": "editor", "password": password}, REMOTE_ADDR=ip
    )


def test_after_five_wrong_passwords_the_right_one_is_refused_for_a_while(
    client: Client, editor: Any
) -> None:
    for _ in range(5):
        assert _sign_in(client, "raden").status_code == 200  # the form again, with an error
    refused = _sign_in(client, "pw", ip="198.51.100.2")  # from elsewhere: the account is locked
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    # It reads like any wrong password: a guesser learns nothing from it.
    wrong = "wachtwoord komen niet overeen"
    assert wrong in refused.content.decode() and wrong in _sign_in(client, "raden").content.decode()

    from django.core.cache import cache

    cache.clear()  # what LOGIN_LOCK_SECONDS of waiting does
    assert _sign_in(client, "pw").status_code == 302


def test_many_failures_from_one_address_lock_it_for_every_account(
    client: Client, editor: Any, settings: Any
) -> None:
    settings.LOGIN_FAILURES_PER_IP = 3
    for name in ("a", "b", "c"):
        client.post("/admin/login/", {"username": name, "password": "x"}, REMOTE_ADDR="203.0.113.5")
    assert _sign_in(client, "pw", ip="203.0.113.5").status_code == 200
    assert _sign_in(client, "pw", ip="203.0.113.6").status_code == 302


def test_a_right_password_signs_in_and_the_session_ends_within_a_day(
    client: Client, editor: Any
) -> None:
    response = _sign_in(client, "pw")
    assert response.status_code == 302
    # A cookie for this browser session only, and on the server at most twelve hours.
    assert response.cookies["sessionid"]["max-age"] == ""
    assert 0 < client.session.get_expiry_age() <= 12 * 3600


@pytest.fixture
def hashings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each run of the password hasher (checking a password or making one), as it happens."""
    hasher = type(get_hasher())
    runs: list[str] = []
    encode = hasher.encode

    def counted(self: Any, password: str, *args: Any, **kwargs: Any) -> str:
        runs.append(password)
        return str(encode(self, password, *args, **kwargs))

    monkeypatch.setattr(hasher, "encode", counted)
    return runs


def test_a_refused_sign_in_hashes_the_password_once_locked_or_not(
    client: Client, editor: Any, hashings: list[str], settings: Any
) -> None:
    """The time a refusal takes is mostly the hasher's: a locked account or network that
    skipped it would answer measurably faster than a wrong password, and so give itself away."""
    settings.LOGIN_FAILURES_PER_IP = 3

    def runs(username: str, password: str, ip: str) -> int:
        hashings.clear()
        response = client.post(
            "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
        )
        assert response.status_code == 200  # refused
        return len(hashings)

    seen = {
        "a wrong password": runs("editor", "raden", "198.51.100.1"),
        "a name nobody has": runs("redacteur", "raden", "198.51.100.2"),
    }
    for _ in range(4):  # five wrong passwords for the account; three or more from this network
        runs("editor", "raden", "198.51.100.3")
    seen |= {
        "a locked account": runs("editor", "raden", "198.51.100.4"),
        "a locked account, the right password": runs("editor", "pw", "198.51.100.5"),
        "a locked network, a name nobody has": runs("redacteur", "x", "198.51.100.3"),
    }
    assert seen == dict.fromkeys(seen, 1)


def test_guessing_a_pages_password_is_slowed_down(
    client: Client, essay: Any, settings: Any
) -> None:
    from wagtail.models import PageViewRestriction

    settings.PAGE_PASSWORD_TRIES_PER_HOUR = 3
    restriction = PageViewRestriction.objects.create(
        page=essay, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    form = f"/_util/authenticate_with_password/{restriction.pk}/{essay.pk}/"
    for _ in range(3):
        wrong = client.post(form, {"password": "raden", "return_url": essay.url})
        assert wrong.status_code == 200  # the form again
    refused = client.post(form, {"password": "geheim", "return_url": essay.url})
    assert refused.status_code == 429 and "Wacht een uur" in refused.content.decode()
    assert "Wil je verder lezen" not in client.get(essay.url).content.decode()
    # Another network is not held back by this one's guesses.
    opened = client.post(
        form, {"password": "geheim", "return_url": essay.url}, REMOTE_ADDR="198.51.100.9"
    )
    assert opened.status_code == 302


def test_a_password_hash_upgraded_at_sign_in_does_not_lift_the_lock(
    client: Client, editor: Any, settings: Any
) -> None:
    """Checking the right password of a locked account still upgrades an old hash (Django
    does that on every check); that save is not a new password and lifts nothing."""
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    editor.password = make_password("pw", hasher="md5")  # as an older setup hashed it
    editor.save()
    for _ in range(5):
        _sign_in(client, "raden")
    for attempt in range(3):
        assert _sign_in(client, "pw", ip="198.51.100.2").status_code == 200, attempt
    editor.refresh_from_db()
    assert editor.password.startswith("pbkdf2_")  # upgraded all the same


@pytest.mark.parametrize(
    ("failing", "same", "other"),
    [
        # An IPv6 connection gets a whole /64: a guesser cycling through it is one guesser.
        ([f"2001:db8::{n}" for n in range(3)], "2001:db8::ffff:1", "2001:db8:0:1::1"),
        # An IPv4 address a dual-stack socket reports as IPv6 is that IPv4 address alone.
        (["::ffff:203.0.113.5"] * 3, "203.0.113.5", "::ffff:198.51.100.77"),
    ],
)
def test_a_limit_per_connection_counts_what_one_connection_can_use(
    client: Client, editor: Any, settings: Any, failing: list[str], same: str, other: str
) -> None:
    settings.LOGIN_FAILURES_PER_IP = 3
    for n, address in enumerate(failing):
        client.post("/admin/login/", {"username": f"naam{n}", "password": "x"}, REMOTE_ADDR=address)
    assert _sign_in(client, "pw", ip=same).status_code == 200
    assert _sign_in(client, "pw", ip=other).status_code == 302


def test_an_editors_own_browser_still_signs_in_while_others_have_locked_the_account(
    client: Client, editor: Any
) -> None:
    """Whoever knows the name can lock the account by failing on purpose; the editor's own
    browser, which signed in before, has a lock of its own (OWASP's device cookie)."""
    assert _sign_in(client, "pw").status_code == 302
    device = client.cookies["voorproef_device"]
    assert device["path"] == "/admin/"  # never sent to a public page
    assert device["httponly"] and device["samesite"] == "Strict"
    client.post("/admin/logout/")

    stranger = Client()
    for n in range(5):
        _sign_in(stranger, "raden", ip=f"203.0.113.{n}")
    assert _sign_in(stranger, "pw", ip="203.0.113.9").status_code == 200  # locked for them
    assert _sign_in(client, "pw", ip="198.51.100.7").status_code == 302  # not for her browser


def test_a_browser_with_a_device_cookie_is_locked_after_its_own_wrong_passwords(
    client: Client, editor: Any
) -> None:
    """A device cookie in the wrong hands is locked after its own few wrong passwords."""
    assert _sign_in(client, "pw").status_code == 302
    client.post("/admin/logout/")
    for n in range(5):
        _sign_in(client, "raden", ip=f"198.51.100.{n + 10}")
    assert _sign_in(client, "pw", ip="198.51.100.30").status_code == 200
    # The lock is that browser's: the account itself was not locked for everyone else.
    assert _sign_in(Client(), "pw", ip="198.51.100.31").status_code == 302
