"""Editors' password reset: mailed through the outbox, answered the same for any address, and
not a way to flood an editor's inbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from voorproef.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

RESET = "/admin/password_reset/"


def _ask(client: Client, email: str, ip: str = "192.0.2.1") -> Any:
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_a_reset_mail_goes_through_the_outbox_and_its_link_sets_a_new_password(
    client: Client, editor: Any, settings: Any
) -> None:
    response = _ask(client, "editor@example.nl")
    assert response.status_code == 302
    assert not mail.outbox  # nothing sent while the editor waited for the page
    queued = OutgoingMail.objects.get(kind="admin-password-reset")
    assert queued.to == "editor@example.nl" and queued.status == "queued"
    assert "„editor”" in queued.body_text and "2 uur" in queued.body_text

    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+)", queued.body_text)
    assert link, queued.body_text
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    new = "Een lang nieuw wachtwoord 42!"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert done.status_code == 200
    assert get_user_model().objects.get(username="editor").check_password(new)
    assert client.get(link.group(1), follow=True).context["validlink"] is False  # once only


def test_a_new_password_lets_a_locked_out_editor_in_at_once(client: Client, editor: Any) -> None:
    """Whoever fails on purpose to keep an editor out cannot: the reset mail lets them back."""
    for n in range(5):
        client.post(
            "/admin/login/",
            {"username": "Editor", "password": "raden"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
    signed_in = {"username": "editor", "password": "pw"}
    assert client.post("/admin/login/", signed_in).status_code == 200  # locked

    _ask(client, "editor@example.nl")
    link = re.search(r"(/admin/password_reset/confirm/\S+)", OutgoingMail.objects.get().body_text)
    assert link
    form = client.get(link.group(1), follow=True)
    new = "Een lang nieuw wachtwoord 42!"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert client.post("/admin/login/", {**signed_in, "password": new}).status_code == 302


def test_a_known_and_an_unknown_address_get_the_same_answer(client: Client, editor: Any) -> None:
    known = _ask(client, "editor@example.nl")
    unknown = _ask(client, "niemand@example.nl")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert OutgoingMail.objects.filter(kind="admin-password-reset").count() == 1


def test_asking_again_and_again_mails_an_editor_three_times_a_day_at_most(
    client: Client, editor: Any
) -> None:
    answers = {_ask(client, "editor@example.nl", ip=f"192.0.2.{n}")["Location"] for n in range(6)}
    assert len(answers) == 1  # the same answer every time
    assert OutgoingMail.objects.filter(kind="admin-password-reset").count() == 3

    # One network asking for many addresses is stopped too.
    for n in range(8):
        _ask(client, f"iemand{n}@example.nl", ip="198.51.100.7")
    get_user_model().objects.create_user("tweede", "tweede@example.nl", "pw", is_staff=True)
    _ask(client, "tweede@example.nl", ip="198.51.100.7")
    assert not OutgoingMail.objects.filter(to="tweede@example.nl").exists()
