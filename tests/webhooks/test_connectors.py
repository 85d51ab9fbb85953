"""Laposta and Mailchimp, against a server on loopback that checks each request against the
shapes their API documentation publishes (method, path, authentication, body fields). The
live services are out of the tests' reach; see the README."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.downloads.helpers import requested
from voorproef.downloads import services as downloads
from voorproef.essays.models import EssayPage
from voorproef.privacy.services import holdings_erase
from voorproef.webhooks.models import Delivery, Webhook
from voorproef.webhooks.services import webhook_create

from .helpers import send_all
from .receiver import Receiver, Seen

pytestmark = pytest.mark.django_db

ANNA_HASH = hashlib.md5(b"anna@example.nl", usedforsecurity=False).hexdigest()


@pytest.fixture(autouse=True)
def _keys(settings: Any) -> None:
    settings.LAPOSTA_API_KEY = "JdMtbsMq2jqJdQZD9AHC"
    settings.MAILCHIMP_API_KEY = "0123456789abcdef0123456789abcdef-us6"


def _basic(seen: Seen) -> tuple[str, str]:
    scheme, _, encoded = seen.headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(encoded).decode().partition(":")
    return user, password


def _connector(kind: str, receiver: Receiver) -> Webhook:
    webhook, _secret = webhook_create(
        name=kind.title(),
        kind=kind,
        url=f"http://127.0.0.1:{receiver.port}",
        events=[],
        list_id="BaImMu3JZA",
        allow_private=True,
    )
    return webhook


def _confirmed_subscriber(essay: EssayPage, **kwargs: Any) -> Any:
    essay.delivery_mode = "confirm"
    essay.save()
    request, _ = requested(essay, newsletter=True, ip_network="192.0.2.0", **kwargs)
    downloads.download_confirm(request=request)
    return request


def laposta_api(seen: Seen) -> int | None:
    """Laposta's /v2/member as documented: Basic auth with the key as user name, form fields."""
    assert _basic(seen) == ("JdMtbsMq2jqJdQZD9AHC", "")
    parts = urlsplit(seen.path)
    form = {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}
    if seen.method == "POST" and parts.path == "/v2/member":
        assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert {"list_id", "ip", "email"} <= set(form)
        return 201
    if seen.method == "POST" and parts.path.startswith("/v2/member/"):
        assert form == {"list_id": "BaImMu3JZA", "state": "unsubscribed"}
        return 200
    if seen.method == "DELETE" and parts.path.startswith("/v2/member/"):
        assert parse_qs(parts.query) == {"list_id": ["BaImMu3JZA"]}
        return 404 if "nobody" in parts.path else 200
    return 400


def test_laposta_gets_a_confirmed_consent_its_withdrawal_and_the_erasure(
    essay: EssayPage,
) -> None:
    with Receiver(check=laposta_api) as api:
        _connector("laposta", api)
        requested(essay, email="geen-nieuwsbrief@example.nl")  # no newsletter: nothing
        request = _confirmed_subscriber(essay)
        send_all()
        downloads.newsletter_unsubscribe(consent=request.consents.get())
        send_all()
        holdings_erase(email="anna@example.nl", delete_comments=False, channel="editor")
        holdings_erase(email="nobody@example.nl", delete_comments=False, channel="editor")
        send_all()

    methods = [(seen.method, urlsplit(seen.path).path) for seen in api.seen]
    assert methods == [
        ("POST", "/v2/member"),
        ("POST", "/v2/member/anna@example.nl"),
        ("DELETE", "/v2/member/anna@example.nl"),
        ("DELETE", "/v2/member/nobody@example.nl"),
    ]
    signup = {k: v[0] for k, v in parse_qs(api.seen[0].body.decode()).items()}
    assert signup == {
        "list_id": "BaImMu3JZA",
        "ip": "192.0.2.0",
        "email": "anna@example.nl",
        "source_url": essay.full_url,
        "options[upsert]": "true",
    }
    # An address the tool never had (404) is done too: nothing is left to erase there.
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def mailchimp_api(seen: Seen) -> int | None:
    """Mailchimp's Marketing API 3.0 as documented: any user name with the key as password."""
    assert _basic(seen)[1] == "0123456789abcdef0123456789abcdef-us6"
    assert seen.headers["Content-Type"] == "application/json"
    member = f"/lists/BaImMu3JZA/members/{ANNA_HASH}"
    if seen.method == "PUT" and seen.path == member:
        assert seen.json() == {"email_address": "anna@example.nl", "status_if_new": "pending"}
        return 200
    if seen.method == "PATCH" and seen.path == member:
        assert seen.json() == {"status": "unsubscribed"}
        return 200
    if seen.method == "POST" and seen.path == f"{member}/actions/delete-permanent":
        assert not seen.body
        return 204
    return 400


def test_mailchimp_runs_its_own_double_opt_in_and_hears_of_withdrawal_and_erasure(
    essay: EssayPage,
) -> None:
    with Receiver(check=mailchimp_api) as api:
        _connector("mailchimp", api)
        request = _confirmed_subscriber(essay, email="Anna@Example.nl")
        send_all()
        downloads.newsletter_unsubscribe(consent=request.consents.get())
        send_all()
        holdings_erase(email="anna@example.nl", delete_comments=False, channel="editor")
        send_all()
    assert [seen.method for seen in api.seen] == ["PUT", "PATCH", "POST"]
    assert Delivery.objects.filter(status="delivered").count() == 1  # the erasure's; the
    # others went with the erasure, as everything else held about the address


def test_an_unconfirmed_consent_is_not_passed_on(essay: EssayPage) -> None:
    with Receiver(check=mailchimp_api) as api:
        _connector("mailchimp", api)
        essay.delivery_mode = "confirm"
        essay.save()
        requested(essay, newsletter=True)  # the reader has not clicked the link yet
        send_all()
    assert not api.seen and not Delivery.objects.exists()


def test_without_an_api_key_the_delivery_fails_with_a_clear_reason(
    essay: EssayPage, settings: Any
) -> None:
    settings.MAILCHIMP_API_KEY = ""
    with Receiver(check=mailchimp_api) as api:
        _connector("mailchimp", api)
        _confirmed_subscriber(essay)
        send_all()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert "MAILCHIMP_API_KEY" in delivery.last_error and not api.seen


def test_the_connector_sends_no_signature_secret_and_no_more_than_the_tool_needs(
    essay: EssayPage,
) -> None:
    with Receiver(check=mailchimp_api) as api:
        _connector("mailchimp", api)
        _confirmed_subscriber(essay)
        send_all()
    (seen,) = api.seen
    assert "webhook-signature" not in seen.headers
    assert "Anna de Boer" not in json.dumps(seen.json())
