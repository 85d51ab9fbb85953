"""The webhooks' admin in a real browser, in Dutch: the list and the delivery log."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import Reader
from tests.downloads.helpers import requested
from voorproef.essays.models import EssayPage
from voorproef.webhooks.models import Delivery
from voorproef.webhooks.services import webhook_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_reads_the_delivery_log(editor_reader: Reader, essay: EssayPage) -> None:
    webhook_create(
        name="CRM van de redactie",
        url="http://127.0.0.1:9/voorproef",
        events=["lead.created", "newsletter.consented"],
        allow_private=True,
    )
    for name in ("Anna de Vries", "Pieter de Groot", "Sanne Visser"):
        requested(essay, name=name, email=f"{name.split()[0].lower()}@example.nl")
    first, second, _third = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=first.pk).update(
        status=Delivery.Status.DELIVERED,
        attempts=1,
        response_code=204,
        response_ms=38,
        delivered_at=timezone.now(),
    )
    Delivery.objects.filter(pk=second.pk).update(
        status=Delivery.Status.FAILED, attempts=1, response_code=400, last_error="400 Bad Request"
    )
    page = editor_reader.page
    page.goto("/admin/webhooks/")
    assert "CRM van de redactie" in page.locator("table.listing").inner_text()
    editor_reader.screenshot("admin-webhooks")
    page.goto("/admin/webhook-deliveries/")
    log = page.locator("table.listing").inner_text()
    assert "bezorgd" in log and "mislukt" in log and "in de wachtrij" in log
    editor_reader.screenshot("admin-webhook-deliveries")
