"""Signed deliveries to a real receiver on loopback, verified with the PyPI `standardwebhooks`
library: down, slow, 500 then 200, 410, redirects, refused addresses, rotation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.comments.helpers import post_comment
from tests.downloads.helpers import requested
from tests.support import free_port
from voorproef.comments.models import Comment
from voorproef.comments.services import comment_moderate
from voorproef.downloads import services as downloads
from voorproef.essays.models import EssayPage
from voorproef.inbox.services import message_create
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.services import holdings_erase
from voorproef.webhooks import services as webhook_services
from voorproef.webhooks.models import EVENTS, Delivery, Webhook
from voorproef.webhooks.services import (
    deliveries_sweep,
    delivery_resend,
    webhook_activate,
    webhook_secret_rotate,
)

from .helpers import due_now, hook, send_all
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings: Any) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_RETRY_SECONDS = [1, 1, 1]
    settings.EDITORS_EMAIL = "redactie@example.nl"


def test_a_download_request_reaches_the_receiver_signed_and_without_network(
    essay: EssayPage,
) -> None:
    with Receiver() as receiver:
        _webhook, secret = hook(receiver.url, ["lead.created", "lead.confirmed"])
        receiver.secrets = [secret]
        _request, _raw = requested(essay, newsletter=True, ip_network="192.0.2.0")
        send_all()

    (accepted,) = receiver.accepted.values()
    assert accepted["type"] == "lead.created"
    assert accepted["schema"] == 1
    data = accepted["data"]
    assert data["email"] == "anna@example.nl"
    assert data["name"] == "Anna de Boer"
    assert data["newsletter"] is True
    assert data["essay"]["slug"] == essay.slug and data["essay"]["title"] == essay.title
    body = receiver.seen[0].body.decode()
    assert "192.0.2" not in body and "Firefox" not in body  # no network, no browser
    delivery = Delivery.objects.get()
    assert delivery.status == "delivered" and delivery.response_code == 200
    assert delivery.attempts == 1 and delivery.delivered_at is not None
    assert receiver.seen[0].headers["webhook-id"] == delivery.message_id


def test_the_secret_is_not_in_the_database_in_clear(essay: EssayPage) -> None:
    _webhook, secret = hook("http://127.0.0.1:9/hook")
    assert secret.startswith("whsec_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_webhook")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in row and secret.removeprefix("whsec_") not in row


def test_a_webhook_gets_only_the_events_it_asked_for(essay: EssayPage) -> None:
    hook("http://127.0.0.1:9/a", ["message.received"], name="alleen berichten")
    hook("http://127.0.0.1:9/b", ["lead.created"], name="uit", active=False)
    requested(essay)
    assert not Delivery.objects.exists()


def test_events_read_the_webhooks_once_and_a_switch_counts_from_the_next_event(
    essay: EssayPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow the machine: the list is trusted until this process changes a webhook.
    monkeypatch.setattr(webhook_services, "ACTIVE_SECONDS", 3600.0)
    webhook, _secret = hook("http://127.0.0.1:9/hook", ["lead.created"])
    requested(essay)
    with CaptureQueriesContext(connection) as queries:
        requested(essay)
    assert not [q for q in queries if "webhooks_webhook" in q["sql"]]
    assert Delivery.objects.count() == 2

    webhook.active = False
    webhook.save()  # switched off in the admin
    requested(essay)
    assert Delivery.objects.count() == 2
    webhook_activate(webhook=webhook)
    requested(essay)
    assert Delivery.objects.count() == 3


def test_a_payload_that_breaks_the_database_loses_the_deliveries_only(
    essay: EssayPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The webhooks' follower opens its savepoint itself, around what it reads and writes:
    a database error there (which on PostgreSQL aborts the whole transaction) costs the
    deliveries, never the reader's request."""
    from voorproef.downloads.models import DownloadRequest
    from voorproef.webhooks import payloads

    def broken(event: Any) -> dict[str, Any]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        raise AssertionError("unreachable")

    hook("http://127.0.0.1:9/hook", ["lead.created"])
    monkeypatch.setattr(payloads, "payload", broken)
    request, _raw = requested(essay)
    assert DownloadRequest.objects.filter(pk=request.pk, mail__isnull=False).exists()
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_a_webhook_for_it_a_readers_post_opens_no_savepoint(
    essay: EssayPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every savepoint is two statements inside SQLite's one writers' turn, which every other
    reader's post waits for: the followers that need none (statistics, webhooks when none
    wants the event) open none."""
    monkeypatch.setattr(webhook_services, "ACTIVE_SECONDS", 3600.0)
    hook("http://127.0.0.1:9/hook", ["message.received"])
    requested(essay)  # the list of webhooks is read, in a savepoint of its own
    with CaptureQueriesContext(connection) as queries:
        requested(essay)
    statements = [q["sql"].upper() for q in queries]
    assert any(s.startswith("INSERT INTO") for s in statements)
    assert not [s for s in statements if "SAVEPOINT" in s]


def test_what_the_reader_did_is_rolled_back_and_nothing_is_sent(essay: EssayPage) -> None:
    hook("http://127.0.0.1:9/hook")

    def fails_after_the_event() -> None:
        with transaction.atomic():
            requested(essay)
            assert Delivery.objects.count() == 1
            raise RuntimeError("the request fails after the event")

    with pytest.raises(RuntimeError):
        fails_after_the_event()
    assert not Delivery.objects.exists()


def test_a_receiver_that_is_down_gets_the_delivery_once_it_is_up(essay: EssayPage) -> None:
    port = free_port()
    hook(f"http://127.0.0.1:{port}/hook")
    requested(essay)
    send_all()
    delivery = Delivery.objects.get()
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert Webhook.objects.get().failing_since is not None

    with _receiver_on(port) as receiver:
        due_now()
        send_all()
        send_all()  # a repeat finds it delivered
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(receiver.accepted) == 1 and not receiver.repeats
    assert Webhook.objects.get().failing_since is None


def _receiver_on(port: int) -> Receiver:
    from http.server import ThreadingHTTPServer

    receiver = Receiver()
    handler = receiver.server.RequestHandlerClass
    receiver.server.server_close()
    receiver.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    receiver.port = port
    return receiver


def test_a_slow_receiver_times_out_and_is_tried_again(essay: EssayPage) -> None:
    with Receiver(delay=2) as receiver:
        hook(receiver.url)
        requested(essay)
        send_all()
        delivery = Delivery.objects.get()
        assert delivery.status == "queued"
        assert "timed out" in delivery.last_error.lower()
        receiver.delay = 0
        due_now()
        send_all()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_500_then_200_is_one_accepted_delivery(essay: EssayPage) -> None:
    with Receiver(answers=[500, 503]) as receiver:
        _webhook, secret = hook(receiver.url)
        receiver.secrets = [secret]
        requested(essay)
        for _ in range(4):
            send_all()
            due_now()
    delivery = Delivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len(receiver.seen) == 3
    assert len({seen.headers["webhook-id"] for seen in receiver.seen}) == 1
    assert len(receiver.accepted) == 1 and not receiver.repeats


def test_a_4xx_fails_at_once_without_retry(essay: EssayPage) -> None:
    with Receiver(answers=[400]) as receiver:
        hook(receiver.url)
        requested(essay)
        send_all()
        due_now()
        send_all()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.response_code == 400 and len(receiver.seen) == 1
    assert Webhook.objects.get().active


def test_410_gone_fails_switches_the_webhook_off_and_tells_the_editors(
    essay: EssayPage,
) -> None:
    with Receiver(answers=[410]) as receiver:
        hook(receiver.url, name="Oud CRM")
        requested(essay)
        send_all()
        due_now()
        send_all()
        requested(essay, email="bert@example.nl")  # after it is off: kept, not sent
        send_all()
    first = Delivery.objects.order_by("pk").first()
    assert first is not None and first.status == "failed" and first.attempts == 1
    assert len(receiver.seen) == 1
    webhook = Webhook.objects.get()
    assert not webhook.active and "410" in webhook.disabled_reason
    mail = OutgoingMail.objects.get(kind="webhook-disabled")
    assert mail.to == "redactie@example.nl"
    assert "Oud CRM" in mail.subject and "/admin/webhooks/" in mail.body_text


def test_a_redirect_is_not_followed(essay: EssayPage) -> None:
    with Receiver(answers=[302]) as receiver:
        hook(receiver.url)
        requested(essay)
        send_all()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert "redirect to http://10.0.0.1/internal not followed" in delivery.last_error
    assert len(receiver.seen) == 1


def test_loopback_and_private_addresses_are_refused_unless_allowed(
    essay: EssayPage, settings: Any
) -> None:
    for url in (
        "http://127.0.0.1:8000/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/",
    ):
        with pytest.raises(ValidationError, match="kan niet gebruikt worden"):
            hook(url, allow_private=False)
    with pytest.raises(ValidationError):
        hook("ftp://example.nl/hook", allow_private=False)

    # Allowed at first, then not: the address is checked again when sending.
    with Receiver() as receiver:
        webhook, _ = hook(receiver.url)
        Webhook.objects.filter(pk=webhook.pk).update(allow_private=False)
        requested(essay)
        send_all()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "privénetwerk" in delivery.last_error
    assert not receiver.seen

    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the operator's switch, for every webhook
    hook("http://127.0.0.1:8000/", allow_private=False)


def test_during_a_rotation_both_secrets_verify_and_then_only_the_new(essay: EssayPage) -> None:
    with Receiver() as receiver:
        webhook, old = hook(receiver.url)
        new = webhook_secret_rotate(webhook=webhook, overlap=timedelta(hours=1))
        receiver.secrets = [old]
        requested(essay)
        send_all()
        assert len(receiver.accepted) == 1
        signatures = receiver.seen[0].headers["webhook-signature"].split(" ")
        assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)

        receiver.secrets = [new]
        requested(essay, email="bert@example.nl")
        send_all()
        assert len(receiver.accepted) == 2

        Webhook.objects.filter(pk=webhook.pk).update(
            previous_secret_until=timezone.now() - timedelta(seconds=1)
        )
        receiver.secrets = [old]
        requested(essay, email="carla@example.nl")
        send_all()
    assert receiver.bad_signatures == 1
    assert len(receiver.seen[-1].headers["webhook-signature"].split(" ")) == 1


def test_an_editor_sends_a_failed_delivery_again(essay: EssayPage) -> None:
    with Receiver(answers=[422]) as receiver:
        hook(receiver.url)
        requested(essay)
        send_all()
        delivery = Delivery.objects.get()
        assert delivery.status == "failed"
        assert delivery_resend(delivery=delivery) is True
        assert delivery_resend(delivery=delivery) is False  # already queued
        send_all()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.accepted) == 1


def test_a_webhook_failing_for_days_is_switched_off_once_and_resumes_when_switched_on(
    essay: EssayPage, settings: Any
) -> None:
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    port = free_port()
    webhook, _ = hook(f"http://127.0.0.1:{port}/hook", name="Archief")
    requested(essay)
    send_all()
    Webhook.objects.update(failing_since=timezone.now() - timedelta(days=2))
    deliveries_sweep()
    assert Webhook.objects.get().active
    Webhook.objects.update(failing_since=timezone.now() - timedelta(days=4))
    deliveries_sweep()
    deliveries_sweep()
    webhook.refresh_from_db()
    assert not webhook.active and "3" in webhook.disabled_reason
    assert OutgoingMail.objects.filter(kind="webhook-disabled").count() == 1

    with _receiver_on(port) as receiver:
        due_now()
        send_all()  # off: the delivery waits
        assert not receiver.seen
        webhook_activate(webhook=webhook)
        send_all()
    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.accepted) == 1


def test_the_sweep_takes_back_a_delivery_a_dead_worker_left(essay: EssayPage) -> None:
    hook("http://127.0.0.1:9/hook")
    requested(essay)
    Delivery.objects.update(status="sending", claimed_at=timezone.now() - timedelta(hours=1))
    deliveries_sweep()
    assert Delivery.objects.get().status == "queued"


def test_every_event_carries_what_it_needs(
    essay: EssayPage, client: Client, committed: Any
) -> None:
    with Receiver() as receiver:
        hook(receiver.url, list(EVENTS))
        essay.delivery_mode = "confirm"
        essay.save()
        request, _ = requested(essay, newsletter=True)
        downloads.download_confirm(request=request)
        downloads.newsletter_unsubscribe(consent=request.consents.get())
        message_create(
            essay=essay,
            name="Sanne Visser",
            email="sanne@example.nl",
            organisation="Gemeente Utrecht",
            text="Bij ons ging het net zo.",
            consent="",
            consent_text="",
            ip_network="192.0.2.0",
            user_agent="Firefox",
        )
        with committed():
            post_comment(client, email="lotte@example.nl", name="Lotte de Wit")
        comment = Comment.objects.get()
        with committed():
            comment_moderate(comment=comment, status="approved")
        send_all()
        holdings_erase(email="Sanne@Example.nl", delete_comments=False, channel="editor")
        send_all()
    by_type = {body["type"]: body["data"] for body in receiver.accepted.values()}
    assert set(by_type) == set(EVENTS)
    assert by_type["lead.created"]["newsletter"] is True
    assert by_type["lead.confirmed"]["confirmed_at"]
    assert by_type["newsletter.consented"]["email"] == "anna@example.nl"
    assert by_type["newsletter.consented"]["source_url"].endswith(f"/{essay.slug}/")
    assert set(by_type["newsletter.withdrawn"]) == {"email", "withdrawn_at"}
    assert by_type["message.received"]["organisation"] == "Gemeente Utrecht"
    assert by_type["message.received"]["text"] == "Bij ons ging het net zo."
    assert by_type["comment.published"]["name"] == "Lotte de Wit"
    assert "email" not in by_type["comment.published"]  # a published comment names no address
    assert by_type["reader.erased"]["email"] == "sanne@example.nl"
    everything = b" ".join(seen.body for seen in receiver.seen).decode()
    assert "192.0.2" not in everything and "Firefox" not in everything
