"""The steps the features tell of, counted once their transaction commits, for the source of
the visit they came from."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from tests.downloads.helpers import requested
from voorproef.core import events
from voorproef.downloads import services as downloads
from voorproef.essays.models import EssayPage
from voorproef.stats.models import DailyCount
from voorproef.stats.services import event_record

from .helpers import FIREFOX, GOOGLEBOT, beacon, counted

pytestmark = pytest.mark.django_db(transaction=True)

CAMPAIGN = "utm_source=nieuwsbrief&utm_medium=email&utm_campaign=lancering"


def test_a_request_from_a_campaign_visit_counts_for_the_campaign(
    client: Client, essay: EssayPage
) -> None:
    beacon(client, essay, ip="192.0.2.17", query=CAMPAIGN)
    requested(essay, newsletter=True, ip_network="192.0.2.0", user_agent=FIREFOX)
    assert counted("lead", page_id=essay.pk, utm_campaign="lancering") == 1
    assert counted("newsletter", page_id=essay.pk, utm_campaign="lancering") == 1


def test_a_request_without_a_counted_visit_counts_without_a_source(essay: EssayPage) -> None:
    requested(essay, ip_network="192.0.2.0", user_agent=FIREFOX)
    assert counted("lead", page_id=essay.pk, utm_campaign="", referrer="") == 1
    assert counted("newsletter") == 0


def test_confirmation_and_first_and_repeated_pdfs_are_counted(essay: EssayPage) -> None:
    essay.delivery_mode = "confirm"
    essay.save()
    request, _raw = requested(essay)
    downloads.download_confirm(request=request)
    downloads.download_confirm(request=request)  # a second click confirms nothing new
    downloads.download_serve(request=request)
    request.refresh_from_db()
    downloads.download_serve(request=request)
    assert counted("confirmed", page_id=essay.pk) == 1
    assert counted("pdf", page_id=essay.pk) == 1
    assert counted("pdf_again", page_id=essay.pk) == 1


def test_a_bots_request_is_not_counted(essay: EssayPage) -> None:
    requested(essay, user_agent=GOOGLEBOT)
    assert counted("lead") == 0


def test_a_request_rolled_back_counts_nothing(essay: EssayPage) -> None:
    def request_that_fails() -> None:
        with transaction.atomic():
            requested(essay)
            raise RuntimeError("the reader's request failed after all")

    with pytest.raises(RuntimeError):
        request_that_fails()
    assert counted("lead") == 0


def test_messages_and_comments_are_counted_but_spam_is_not(essay: EssayPage) -> None:
    from voorproef.comments.services import comment_create
    from voorproef.inbox.services import message_create

    message_create(
        essay=essay,
        name="Piet",
        email="piet@example.nl",
        organisation="",
        text="Mijn ervaring met dit werk.",
        consent="",
        consent_text="",
        ip_network="192.0.2.0",
        user_agent=FIREFOX,
    )
    comment_create(
        essay=essay,
        parent=None,
        name="Lotte",
        email="lotte@example.nl",
        url="",
        text="Heel herkenbaar, dank voor dit essay.",
        notify_replies=False,
        ip="192.0.2.5",
        ip_network="192.0.2.0",
        user_agent=FIREFOX,
    )
    event_record(
        events.Event(
            "comment.posted",
            essay_id=essay.pk,
            data={"status": "spam", "ip_network": "192.0.2.0", "user_agent": FIREFOX},
        )
    )
    assert counted("message", page_id=essay.pk) == 1
    assert counted("comment", page_id=essay.pk) == 1


def test_events_it_does_not_know_or_without_an_essay_are_ignored(essay: EssayPage) -> None:
    event_record(events.Event("comment.published", essay_id=essay.pk))
    event_record(events.Event("newsletter.withdrawn", essay_id=None, data={"email": "a@b.nl"}))
    event_record(events.Event("question.asked", essay_id=essay.pk))
    assert counted("comment") == 0
    assert not DailyCount.objects.exists()
