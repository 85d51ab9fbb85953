"""A mail's subject and text part are plain text: what a reader typed, or an essay's title,
arrives as typed, never as HTML entities ("1&#x27;000", "&lt;b&gt;"). The HTML part escapes it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tests.support import Inbox, free_port, mail_subject, mail_text
from voorproef.mail.services import mail_queue, mail_send

pytestmark = pytest.mark.django_db

TYPED = "Eve 1'000 <b>body</b> & co"
TITLE = "Werk & 'publiek' <nu>"
SITE = "Kunst & Co's <site>"

KINDS = [
    "comment-approved",
    "comment-moderate",
    "comment-reply",
    "download",
    "download-confirm",
    "inbox-new",
    "inbox-reply",
    "privacy-access",
    "admin-password-reset",
]


def _context() -> dict[str, Any]:
    person = SimpleNamespace(
        name=TYPED, text=TYPED, email="eve@example.nl", url="", reason=TYPED, organisation=TYPED
    )
    return {
        "essay": SimpleNamespace(title=TITLE, url="/x/"),
        "comment": person,
        "parent": person,
        "message": SimpleNamespace(**vars(person), consent_text="", created_at=timezone.now()),
        "reply": SimpleNamespace(text=TYPED),
        "name": TYPED,
        "email": "eve@example.nl",
        "username": TYPED,
        "link": "http://127.0.0.1:8000/x/",
        "expires_at": timezone.now(),
        "hours": 24,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_a_subject_and_text_hold_what_was_typed(kind: str, settings: Any) -> None:
    settings.WAGTAIL_SITE_NAME = SITE
    mail = mail_queue(kind=kind, to="eve@example.nl", context=_context())
    for part in (mail.subject, mail.body_text):
        assert "&#" not in part
        assert "&lt;" not in part
        assert "&amp;" not in part
    assert TYPED in mail.subject or TITLE in mail.subject or SITE in mail.subject
    assert "&lt;b&gt;" in mail.body_html or TYPED not in mail.body_text
    assert "<b>body</b>" not in mail.body_html


def test_the_subject_arrives_as_typed(settings: Any) -> None:
    port = free_port()
    settings.EMAIL_BACKEND = "voorproef.mail.backends.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    with Inbox(port) as inbox:
        mail = mail_queue(kind="inbox-new", to="redactie@example.nl", context=_context())
        mail_send(mail_id=mail.pk)
    [received] = inbox.messages
    assert mail_subject(received) == f"Ervaring van {TYPED} bij „{TITLE}”"
    assert f"{TYPED}" in mail_text(received)
