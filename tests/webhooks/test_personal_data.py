"""The delivery log names addresses: a reader's copy shows what was passed on, an erasure
takes it out of the log (and then goes out itself), retention ages the log out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.downloads.helpers import requested
from voorproef.essays.models import EssayPage
from voorproef.privacy.services import (
    holdings_erase,
    holdings_export,
    holdings_find,
    retention_purge,
)
from voorproef.webhooks.models import Delivery

from .helpers import hook, send_all
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def test_a_readers_copy_shows_what_was_passed_on_and_to_whom(essay: EssayPage) -> None:
    with Receiver() as receiver:
        hook(receiver.url, ["lead.created"], name="Ons CRM")
        requested(essay, email="Anna@Example.nl")
        requested(essay, email="bert@example.nl")
        send_all()
    (row,) = holdings_export(holdings_find("anna@example.nl"), readable=True)["webhook_deliveries"]
    assert row["sent_to"] == "Ons CRM"
    assert row["event"] == "een download is aangevraagd"
    assert row["status"] == "bezorgd"
    assert row["data"]["email"] == "Anna@Example.nl"


def test_an_erasure_empties_the_log_of_the_address_and_tells_the_receiver(
    essay: EssayPage,
) -> None:
    with Receiver() as receiver:
        hook(receiver.url, ["lead.created", "reader.erased"])
        requested(essay, email="anna@example.nl")
        requested(essay, email="bert@example.nl")  # queued, not sent yet, when anna goes
        Delivery.objects.filter(email="bert@example.nl").update(
            next_attempt_at=timezone.now() + timedelta(minutes=5)
        )
        send_all()
        entry = holdings_erase(email="anna@example.nl", delete_comments=False, channel="editor")
        assert entry is not None and entry.summary["webhook_deliveries"] == 1
        send_all()
    left = list(Delivery.objects.values_list("event", "email"))
    assert sorted(left) == [
        ("lead.created", "bert@example.nl"),
        ("reader.erased", ""),  # passed on: the address is not kept any longer
    ]
    assert [body["type"] for body in receiver.accepted.values()] == [
        "lead.created",
        "reader.erased",
    ]


def test_the_log_is_aged_out_but_what_waits_is_kept(essay: EssayPage, settings: Any) -> None:
    settings.RETENTION_WEBHOOK_DAYS = 30
    hook("http://127.0.0.1:9/hook")
    requested(essay, email="oud@example.nl")
    requested(essay, email="wacht@example.nl")
    requested(essay, email="nieuw@example.nl")
    Delivery.objects.filter(email__in=["oud@example.nl", "wacht@example.nl"]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    Delivery.objects.exclude(email="wacht@example.nl").update(
        status="delivered", delivered_at=timezone.now()
    )
    assert retention_purge()["webhook_deliveries_deleted"] == 1
    assert sorted(Delivery.objects.values_list("email", flat=True)) == [
        "nieuw@example.nl",
        "wacht@example.nl",
    ]
