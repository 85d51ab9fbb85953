"""What the feature apps tell the rooms that follow along (statistics, webhooks): one event for
each thing a reader did, with the row it concerns, and nothing for what did not happen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.comments.helpers import post_comment
from tests.downloads.helpers import requested
from voorproef.comments.services import comment_moderate
from voorproef.core import events
from voorproef.downloads import services as downloads
from voorproef.essays.models import EssayPage
from voorproef.inbox.services import message_create
from voorproef.privacy.models import Consent
from voorproef.privacy.services import holdings_erase

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []

    def follower(sender: Any, *, event: events.Event, **kwargs: Any) -> None:
        seen.append(event)

    events.happened.connect(follower, dispatch_uid="test-events")
    yield seen
    events.happened.disconnect(dispatch_uid="test-events")


def names(seen: list[events.Event]) -> list[str]:
    return [event.name for event in seen]


def test_a_download_request_its_confirmation_and_fetches(
    essay: EssayPage, heard: list[events.Event]
) -> None:
    essay.delivery_mode = "confirm"
    essay.save()
    request, _raw = requested(essay, newsletter=True)
    assert names(heard) == ["lead.created"]
    assert heard[0].subject == request
    assert heard[0].essay_id == essay.pk
    assert heard[0].data["newsletter"] is True

    downloads.download_confirm(request=request)
    downloads.download_confirm(request=request)  # a second click confirms nothing new
    assert names(heard) == ["lead.created", "lead.confirmed", "newsletter.consented"]
    consent = heard[2].subject
    assert consent.email == "anna@example.nl" and consent.confirmed_at is not None

    downloads.download_serve(request=request)
    request.refresh_from_db()
    downloads.download_serve(request=request)
    fetched = [event for event in heard if event.name == "pdf.fetched"]
    assert [event.data["first"] for event in fetched] == [True, False]


def test_a_withdrawal_is_told_once_per_address(essay: EssayPage, heard: list[events.Event]) -> None:
    first, _ = requested(essay, newsletter=True)
    requested(essay, newsletter=True)
    assert downloads.newsletter_confirm(raw_token="nothing") is False
    Consent.objects.update(confirmed_at=first.created_at)
    heard.clear()

    consent = Consent.objects.filter(purpose=Consent.Purpose.NEWSLETTER).first()
    assert consent is not None
    assert downloads.newsletter_unsubscribe(consent=consent) == 2
    assert downloads.newsletter_unsubscribe(consent=consent) == 0
    assert names(heard) == ["newsletter.withdrawn"]
    assert heard[0].data == {"email": "anna@example.nl"}


def test_a_message_a_comment_and_an_erasure(
    essay: EssayPage, heard: list[events.Event], client: Client, committed: Any
) -> None:
    message_create(
        essay=essay,
        name="Sanne Visser",
        email="sanne@example.nl",
        organisation="",
        text="Bij ons ging het net zo.",
        consent="",
        consent_text="",
        ip_network="192.0.2.0",
        user_agent="Firefox",
    )
    with committed():
        post_comment(client, email="lotte@example.nl")
    # A first comment waits for a moderator: posted, not published.
    assert names(heard) == ["message.received", "comment.posted"]
    assert heard[1].data["status"] == "pending"
    with committed():
        comment_moderate(comment=heard[1].subject, status="approved")
    assert names(heard)[2:] == ["comment.published"]
    assert heard[2].subject.email == "lotte@example.nl"

    heard.clear()
    holdings_erase(email="Sanne@Example.nl", delete_comments=False, channel="editor")
    assert names(heard) == ["reader.erased"]
    assert heard[0].data == {"email": "sanne@example.nl"}


def test_a_failing_follower_does_not_stop_the_reader(
    essay: EssayPage, heard: list[events.Event]
) -> None:
    def broken(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("follower down")

    events.happened.connect(broken, dispatch_uid="test-broken")
    try:
        request, _raw = requested(essay)
    finally:
        events.happened.disconnect(dispatch_uid="test-broken")
    assert request.pk is not None
    assert names(heard) == ["lead.created"]


def test_a_follower_that_breaks_the_database_rolls_back_only_its_own_writes(
    essay: EssayPage, heard: list[events.Event]
) -> None:
    from django.db import connection

    from voorproef.downloads.models import DownloadRequest, Reader

    def broken(event: events.Event) -> None:
        Reader.objects.create(email="follower@example.nl")
        with connection.cursor() as cursor:  # on PostgreSQL this aborts the transaction
            cursor.execute("SELECT * FROM no_such_table")

    events.follow(broken, dispatch_uid="test-broken-database")
    try:
        request, _raw = requested(essay)
    finally:
        events.happened.disconnect(dispatch_uid="test-broken-database")
    assert DownloadRequest.objects.filter(pk=request.pk).exists()
    assert not Reader.objects.filter(email="follower@example.nl").exists()
    assert names(heard) == ["lead.created"]


@pytest.mark.django_db(transaction=True)
def test_a_known_authors_comment_takes_the_writers_turn_once(
    essay: EssayPage, heard: list[events.Event], client: Client
) -> None:
    """Published at once, its event follows the commit: the followers that write nothing
    (no webhooks) open no second transaction, which on SQLite would queue for the one
    writer's lock again behind every other reader's post."""
    from unittest import mock

    from django.db import connection, transaction

    from voorproef.comments.models import Comment

    Comment.objects.create(
        essay=essay, name="Lotte de Wit", email="lotte@example.nl", text="Eerder.",
        status=Comment.Status.APPROVED,
    )  # fmt: skip
    heard.clear()
    begun = []
    enter = transaction.Atomic.__enter__

    def counted(atomic: Any) -> None:
        if not connection.in_atomic_block:
            begun.append(atomic)
        enter(atomic)

    with mock.patch.object(transaction.Atomic, "__enter__", counted):
        assert post_comment(client).status_code == 302
    assert names(heard) == ["comment.posted", "comment.published"]
    assert len(begun) == 1
