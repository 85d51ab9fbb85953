"""Posting comments as a browser does, and the personas of these tests."""

from __future__ import annotations

from itertools import count
from typing import Any

from django.test import Client

from tests.support import form_token
from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage
from voorproef.privacy.consent import consent_record
from voorproef.privacy.models import Consent

ESSAY = "/nieuw-publiek-werken/"
FORM = ESSAY + "reacties/plaatsen/"
_addresses = count(1)


def post_comment(
    client: Client,
    *,
    age: float = 10,
    ip: str | None = None,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    """Each call comes from its own address unless `ip` says otherwise, so the 15-second
    flood rule only bites where a test means it to."""
    data = {
        "text": "Heel herkenbaar, dank voor dit essay.",
        "name": "Lotte de Wit",
        "email": "lotte@example.nl",
        "url": "",
        "parent": "",
        "form_token": form_token(age),
        "homepage": "",
        **fields,
    }
    address = ip or f"192.0.2.{next(_addresses) % 250 + 1}"
    return client.post(
        FORM,
        data,
        headers={"Sec-Fetch-Site": "same-origin", **(headers or {})},
        REMOTE_ADDR=address,
    )


def approved(
    essay: EssayPage, *, notify_replies: bool = False, notify_text: str = "", **fields: Any
) -> Comment:
    """A comment that is on the page already; with `notify_replies`, its author asked to hear
    of replies (a replies consent, as the comment form records it)."""
    values: dict[str, Any] = {
        "name": "Joost Bakker",
        "email": "joost@example.nl",
        "text": "Eerder goedgekeurd.",
        "status": Comment.Status.APPROVED,
        **fields,
    }
    parent = values.get("parent")
    values.setdefault("depth", parent.depth + 1 if parent else 1)
    comment = Comment.objects.create(essay=essay, **values)
    if notify_replies:
        consent_record(
            email=comment.email,
            purpose=Consent.Purpose.REPLIES,
            text=notify_text,
            source=f"comment form: {essay.slug}",
            given_at=comment.created_at,
            subject=comment,
        )
    return comment
