"""Consent moved from three places (downloads.Consent rows, columns of readers' messages and of
comments) into privacy.Consent: a site that upgrades keeps every consent with its words, their
version, time, source and withdrawal; and a site that goes back gets its columns again.

The database is filled as the earlier version stored it (its own models, from the migration
history), migrated forward, read, and migrated back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import migrate_to
from voorproef.essays.models import EssayPage

BEFORE = [
    ("privacy", "0006_consent_for_every_purpose"),
    ("downloads", "0003_reader_without_name"),
    ("inbox", "0002_readermessage_consent_wording"),
    ("comments", "0004_consent_to_reply_mail"),
]
AFTER = [
    ("privacy", "0007_consents_in_one_place"),
    ("downloads", "0004_consent_kept_by_privacy"),
    ("inbox", "0003_consent_kept_by_privacy"),
    ("comments", "0005_consent_kept_by_privacy"),
]
T = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)


@pytest.fixture
def before() -> Iterator[Any]:
    """The apps as the earlier version had them; the latest schema again afterwards."""
    yield migrate_to(BEFORE)
    migrate_to()


def _fill(apps: Any, essay_id: int) -> dict[str, Any]:
    """What the earlier version stored: a reader who asked twice (a newsletter consent
    confirmed, one withdrawn), messages with and without consent to publish (one withdrawn),
    comments with reply mail on, turned off, never asked, and one anonymised."""
    Wording = apps.get_model("privacy", "ConsentWording")
    Reader = apps.get_model("downloads", "Reader")
    Request = apps.get_model("downloads", "DownloadRequest")
    OldConsent = apps.get_model("downloads", "Consent")
    Message = apps.get_model("inbox", "ReaderMessage")
    Comment = apps.get_model("comments", "Comment")

    news = Wording.objects.create(purpose="newsletter", version=1, text="Houd mij op de hoogte.")
    publish = Wording.objects.create(purpose="publication", version=2, text="Met mijn naam.")
    replies = Wording.objects.create(purpose="replies", version=1, text="Mail mij antwoorden.")
    anna = Reader.objects.create(email="anna@example.nl", created_at=T)
    first, second = (
        Request.objects.create(
            essay_id=essay_id,
            reader=anna,
            name="Anna",
            mode="direct",
            created_at=T + timedelta(days=n),
            token_hash=f"{n}" * 64,
            expires_at=T + timedelta(days=30 + n),
        )
        for n in (1, 2)
    )
    # Numbers far from 1: the unsubscribe links in mail already sent name them.
    confirmed = OldConsent.objects.create(
        id=41,
        reader=anna,
        purpose="newsletter",
        text=news.text,
        wording=news,
        source="download form: nieuw-publiek-werken",
        given_at=T + timedelta(days=1),
        confirmed_at=T + timedelta(days=1, hours=1),
        download_request=first,
    )
    withdrawn = OldConsent.objects.create(
        id=57,
        reader=anna,
        purpose="newsletter",
        text="Oudere woorden.",
        wording=None,
        source="download form: nieuw-publiek-werken",
        given_at=T + timedelta(days=2),
        withdrawn_at=T + timedelta(days=3),
        download_request=second,
    )
    published = Message.objects.create(
        essay_id=essay_id,
        name="Anna",
        email="anna@example.nl",
        text="Bij ons ook.",
        consent="name",
        consent_text=publish.text,
        consent_wording=publish,
        created_at=T + timedelta(days=4),
        published=True,
    )
    taken_back = Message.objects.create(
        essay_id=essay_id,
        name="Anna",
        email="anna@example.nl",
        text="Toch liever niet.",
        consent="",
        consent_text="Zonder mijn naam.",
        consent_wording=None,
        consent_withdrawn_at=T + timedelta(days=6),
        created_at=T + timedelta(days=5),
    )
    private = Message.objects.create(
        essay_id=essay_id, name="Bob", email="bob@example.nl", text="Alleen voor jullie."
    )
    comment = {"essay_id": essay_id, "text": "Herkenbaar.", "status": "approved", "depth": 1}
    asked = Comment.objects.create(
        **comment,
        name="Anna",
        email="Anna@Example.nl",
        created_at=T + timedelta(days=7),
        notify_replies=True,
        notify_wording=replies,
    )
    stopped = Comment.objects.create(
        **comment,
        name="Anna",
        email="anna@example.nl",
        created_at=T + timedelta(days=8),
        notify_replies=False,
        notify_wording=replies,
    )
    untold = Comment.objects.create(
        **comment, name="Anna", email="anna@example.nl", created_at=T + timedelta(days=9)
    )
    without_words = Comment.objects.create(
        **comment,
        name="Bob",
        email="bob@example.nl",
        created_at=T + timedelta(days=10),
        notify_replies=True,
    )
    anonymous = Comment.objects.create(
        **comment, name="Anoniem", email="", notify_replies=False, notify_wording=replies
    )
    return {
        "requests": (first.pk, second.pk),
        "consents": (confirmed.pk, withdrawn.pk),
        "messages": (published.pk, taken_back.pk, private.pk),
        "comments": (asked.pk, stopped.pk, untold.pk, without_words.pk, anonymous.pk),
        "wordings": (news.pk, publish.pk, replies.pk),
    }


def _old_columns(apps: Any, ids: dict[str, Any]) -> dict[str, Any]:
    OldConsent = apps.get_model("downloads", "Consent")
    Message = apps.get_model("inbox", "ReaderMessage")
    Comment = apps.get_model("comments", "Comment")
    return {
        "consents": list(
            OldConsent.objects.order_by("pk").values(
                "id",
                "reader__email",
                "purpose",
                "text",
                "wording",
                "source",
                "given_at",
                "confirmed_at",
                "withdrawn_at",
                "download_request",
            )
        ),
        "messages": list(
            Message.objects.order_by("pk").values(
                "pk", "consent", "consent_text", "consent_wording", "consent_withdrawn_at"
            )
        ),
        "comments": list(
            Comment.objects.order_by("pk").values("pk", "notify_replies", "notify_wording")
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_every_consent_moves_into_one_table_with_its_words_time_and_withdrawal(
    before: Any,
) -> None:
    ids = _fill(before, EssayPage.objects.get().pk)

    after = migrate_to(AFTER)
    Consent = after.get_model("privacy", "Consent")
    ContentType = after.get_model("contenttypes", "ContentType")
    kind = {ct.pk: ct.model for ct in ContentType.objects.all()}
    moved = [
        (
            c.id if c.purpose == "newsletter" else None,
            c.email,
            c.purpose,
            c.text,
            c.wording_id,
            c.source,
            c.given_at,
            c.confirmed_at,
            c.withdrawn_at,
            kind.get(c.subject_type_id),
            c.subject_id,
        )
        for c in Consent.objects.order_by("purpose", "subject_id")
    ]
    news, publish, replies = ids["wordings"]
    first, second = ids["requests"]
    published, taken_back, _private = ids["messages"]
    asked, stopped, _untold, without_words, _anonymous = ids["comments"]
    form = "download form: nieuw-publiek-werken"
    assert moved[:4] == [
        (41, "anna@example.nl", "newsletter", "Houd mij op de hoogte.", news, form,
         T + timedelta(days=1), T + timedelta(days=1, hours=1), None, "downloadrequest", first),
        (57, "anna@example.nl", "newsletter", "Oudere woorden.", None, form,
         T + timedelta(days=2), None, T + timedelta(days=3), "downloadrequest", second),
        (None, "anna@example.nl", "publication", "Met mijn naam.", publish,
         "message form: nieuw-publiek-werken", T + timedelta(days=4), None, None,
         "readermessage", published),
        (None, "anna@example.nl", "publication", "Zonder mijn naam.", None,
         "message form: nieuw-publiek-werken", T + timedelta(days=5), None,
         T + timedelta(days=6), "readermessage", taken_back),
    ]  # fmt: skip
    # Reply mail: on; turned off before the upgrade (withdrawn by the upgrade at the latest);
    # on without words of its own. Never asked, and anonymised: no consent.
    assert [(m[1], m[3], m[4], m[9], m[10]) for m in moved[4:]] == [
        ("Anna@Example.nl", "Mail mij antwoorden.", replies, "comment", asked),
        ("anna@example.nl", "Mail mij antwoorden.", replies, "comment", stopped),
        ("bob@example.nl", "", None, "comment", without_words),
    ]
    assert moved[4][8] is None and moved[6][8] is None
    assert moved[5][8] is not None
    assert moved[4][6] == T + timedelta(days=7)
    # New consents are numbered after the kept ones, on every database.
    fresh = Consent.objects.create(
        email="nieuw@example.nl", purpose="newsletter", text="…", source="test", given_at=T
    )
    assert fresh.pk > 57
    fresh.delete()


@pytest.mark.django_db(transaction=True)
def test_going_back_gives_every_column_its_value_again(before: Any) -> None:
    ids = _fill(before, EssayPage.objects.get().pk)
    kept = _old_columns(before, ids)

    migrate_to(AFTER)
    back = migrate_to(BEFORE)

    # All but the anonymised comment's text version: it has no address to keep a consent under.
    anonymous = ids["comments"][-1]
    for row in kept["comments"]:
        if row["pk"] == anonymous:
            row["notify_wording"] = None
    assert _old_columns(back, ids) == kept
