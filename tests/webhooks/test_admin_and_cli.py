"""The editors' screens (Dutch, the secret shown once, the log, sending again) and the
operators' command."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.downloads.helpers import requested
from voorproef.essays.models import EssayPage
from voorproef.webhooks.models import Delivery, Webhook

from .helpers import hook, send_all
from .receiver import Receiver

pytestmark = pytest.mark.django_db

RAW = re.compile(r">\s*(True|False|None|lead\.created|queued|failed|delivered)\s*<")


def _command(*args: str) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_an_editor_adds_a_webhook_and_sees_its_secret_only_once(
    editor_client: Client, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    form = editor_client.get("/admin/webhooks/new/").content.decode()
    assert "Gebeurtenissen" in form and "een download is aangevraagd" in form
    refused = editor_client.post(
        "/admin/webhooks/new/",
        {
            "name": "CRM",
            "kind": "standard",
            "url": "http://127.0.0.1:9/hook",
            "events": ["lead.created"],
            "active": "on",
        },
    )
    assert refused.status_code == 200
    assert "Dit adres kan niet gebruikt worden" in refused.content.decode()
    assert not Webhook.objects.exists()

    created = editor_client.post(
        "/admin/webhooks/new/",
        {
            "name": "CRM",
            "kind": "standard",
            "url": "http://127.0.0.1:9/hook",
            "events": ["lead.created", "reader.erased"],
            "active": "on",
            "allow_private": "on",  # the editor fixture is a superuser
        },
    )
    page = created.content.decode()
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", page)
    assert secret is not None and "maar één keer" in page
    webhook = Webhook.objects.get()
    assert webhook.events == ["lead.created", "reader.erased"] and webhook.allow_private

    edit = editor_client.get(f"/admin/webhooks/edit/{webhook.pk}/").content.decode()
    assert secret.group(0) not in edit and "whsec_" not in edit
    assert "Nieuw geheim maken" in edit

    rotated = editor_client.post(f"/admin/webhooks/{webhook.pk}/rotate/").content.decode()
    new = re.search(r"whsec_[A-Za-z0-9+/=]+", rotated)
    assert new is not None and new.group(0) != secret.group(0)
    assert "Het vorige geheim ondertekent ook nog tot" in rotated


def test_the_lists_speak_dutch_without_raw_values(editor_client: Client, essay: EssayPage) -> None:
    with Receiver(answers=[400]) as receiver:
        webhook, _ = hook(receiver.url, ["lead.created"], name="CRM")
        requested(essay)
        send_all()
    listing = editor_client.get("/admin/webhooks/").content.decode()
    assert "CRM" in listing and "een download is aangevraagd" in listing
    assert not RAW.search(listing)
    log = editor_client.get(f"/admin/webhook-deliveries/?webhook={webhook.pk}").content.decode()
    assert "mislukt" in log and "400" in log and not RAW.search(log)

    delivery = Delivery.objects.get()
    detail = editor_client.get(f"/admin/webhook-deliveries/inspect/{delivery.pk}/").content
    assert "Opnieuw versturen" in detail.decode() and not RAW.search(detail.decode())
    assert "anna@example.nl" in detail.decode()  # what was sent, for the editors to check

    with Receiver() as receiver:
        Webhook.objects.filter(pk=webhook.pk).update(url=receiver.url)
        response = editor_client.post(f"/admin/webhook-deliveries/{delivery.pk}/resend/")
        assert response.status_code == 302
        send_all()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.accepted) == 1


def test_an_editor_who_is_not_a_superuser_cannot_open_the_internal_network(
    client: Client, db: None
) -> None:
    from django.contrib.auth.models import Group, Permission, User

    user = User.objects.create_user("redacteur", "r@example.nl", "pw")
    group = Group.objects.create(name="Webhooks")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["add_webhook", "change_webhook", "access_admin"])
    )
    user.groups.add(group)
    client.force_login(user)
    form = client.get("/admin/webhooks/new/").content.decode()
    assert 'name="allow_private"' not in form


def test_the_operators_command_adds_lists_shows_and_resends(essay: EssayPage) -> None:
    with pytest.raises(CommandError, match="privénetwerk"):
        _command("add", "http://127.0.0.1:9/hook", "--events", "lead.created")
    with pytest.raises(CommandError, match=r"Unknown events: lead\.made"):
        _command("add", "http://example.nl/hook", "--events", "lead.made", "--allow-private")

    with Receiver(answers=[400]) as receiver:
        out = _command(
            "add", receiver.url, "--events", "lead.created,reader.erased", "--allow-private"
        )
        secret = re.search(r"Signing secret \(shown only now\): (whsec_\S+)", out)
        assert secret is not None
        receiver.secrets = [secret.group(1)]
        requested(essay)
        send_all()
        webhook = Webhook.objects.get()
        assert secret.group(1) not in _command("list")
        assert "failed 1" in _command("list")
        deliveries = _command("deliveries", "--webhook", str(webhook.pk))
        assert "lead.created" in deliveries and "failed" in deliveries and "HTTP 400" in deliveries
        assert "1 deliveries queued again" in _command("resend", "--failed-of", str(webhook.pk))
        send_all()
        rotated = _command("rotate", str(webhook.pk), "--overlap-hours", "2")
        assert "New signing secret (shown only now): whsec_" in rotated
    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.accepted) == 1
