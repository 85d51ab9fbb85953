"""The two mailing tools most Dutch organisations use, as their API documentation describes
them (checked against that documentation, not against the live services). Each turns a stored
delivery into one API request; what comes back is judged like any webhook's answer.

Laposta (https://api.laposta.nl/doc/): Basic authentication with the API key as user name;
form-encoded bodies. A consent: `POST /v2/member` with list_id, ip, email, source_url and
`options[upsert]=true`. A withdrawal: `POST /v2/member/{email}` with list_id and
state=unsubscribed. An erasure: `DELETE /v2/member/{email}?list_id=…`.

Mailchimp (Marketing API 3.0): Basic authentication with any user name and the API key as
password, at `https://<dc>.api.mailchimp.com/3.0` where <dc> ends the key (`…-us6`); JSON
bodies. A consent: `PUT /lists/{id}/members/{md5(lower(email))}` with email_address and
`status_if_new: pending`, so Mailchimp's own double opt-in mail goes out. A withdrawal: `PATCH`
the member with status unsubscribed. An erasure: `POST …/members/{hash}/actions/delete-permanent`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings

from .models import Delivery, Webhook

LAPOSTA_API = "https://api.laposta.nl"
MAILCHIMP_API = "https://{dc}.api.mailchimp.com/3.0"


class NotConfigured(Exception):
    """No API key or list: the delivery cannot be made until an operator sets them."""


@dataclass(frozen=True)
class ApiRequest:
    method: str
    url: str
    body: bytes | None
    headers: dict[str, str]
    # Answers that mean "done" besides 2xx: a withdrawal or erasure of an address the tool
    # never had (404) leaves nothing to do.
    also_done: frozenset[int] = frozenset()


def api_key(kind: str) -> str:
    return str(
        settings.LAPOSTA_API_KEY if kind == Webhook.Kind.LAPOSTA else settings.MAILCHIMP_API_KEY
    )


def base_url(webhook: Webhook) -> str:
    if webhook.url:
        return webhook.url.rstrip("/")
    if webhook.kind == Webhook.Kind.LAPOSTA:
        return LAPOSTA_API
    key = api_key(webhook.kind)
    if "-" not in key:
        raise NotConfigured("the Mailchimp API key does not end in its data centre (…-us6)")
    return MAILCHIMP_API.format(dc=key.rsplit("-", 1)[1])


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _laposta(webhook: Webhook, delivery: Delivery, key: str) -> ApiRequest:
    data: dict[str, Any] = delivery.payload["data"]
    email = data["email"]
    base = base_url(webhook)
    headers = {
        "Authorization": _basic(key, ""),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    member = f"{base}/v2/member/{quote(email, safe='@')}"
    if delivery.event == "newsletter.consented":
        form = {
            "list_id": webhook.list_id,
            "ip": data.get("ip") or "0.0.0.0",  # noqa: S104 - Laposta requires a value
            "email": email,
            "source_url": data.get("source_url", ""),
            "options[upsert]": "true",
        }
        return ApiRequest("POST", f"{base}/v2/member", urlencode(form).encode(), headers)
    if delivery.event == "newsletter.withdrawn":
        form = {"list_id": webhook.list_id, "state": "unsubscribed"}
        return ApiRequest("POST", member, urlencode(form).encode(), headers, frozenset({404}))
    query = urlencode({"list_id": webhook.list_id})
    return ApiRequest("DELETE", f"{member}?{query}", None, headers, frozenset({404}))


def subscriber_hash(email: str) -> str:
    return hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()


def _mailchimp(webhook: Webhook, delivery: Delivery, key: str) -> ApiRequest:
    email = delivery.payload["data"]["email"]
    member = f"{base_url(webhook)}/lists/{quote(webhook.list_id)}/members/{subscriber_hash(email)}"
    headers = {"Authorization": _basic("voorproef", key), "Content-Type": "application/json"}
    if delivery.event == "newsletter.consented":
        body = {"email_address": email, "status_if_new": "pending"}
        return ApiRequest("PUT", member, json.dumps(body).encode(), headers)
    if delivery.event == "newsletter.withdrawn":
        body = {"status": "unsubscribed"}
        return ApiRequest("PATCH", member, json.dumps(body).encode(), headers, frozenset({404}))
    return ApiRequest("POST", f"{member}/actions/delete-permanent", None, headers, frozenset({404}))


def api_request(webhook: Webhook, delivery: Delivery) -> ApiRequest:
    key = api_key(webhook.kind)
    if not key:
        variable = f"{webhook.kind.upper()}_API_KEY"
        raise NotConfigured(f"no API key: set {variable} (or {variable}_FILE)")
    if not webhook.list_id:
        raise NotConfigured("no list id set for this connection")
    build = _laposta if webhook.kind == Webhook.Kind.LAPOSTA else _mailchimp
    return build(webhook, delivery, key)
