"""What each event's payload holds: what a receiver needs to act on it, and no more (never the
reader's network or browser). The shape is Standard Webhooks' (`type`, `timestamp`, `data`)
with a `schema` number that changes when a field changes meaning or goes."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from voorproef.core.events import Event

SCHEMA = 1


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _essay(essay: Any) -> dict[str, Any] | None:
    if essay is None:
        return None
    return {"slug": essay.slug, "title": essay.title, "url": essay.full_url}


def _essay_of(event: Event) -> dict[str, Any] | None:
    essay = getattr(event.subject, "essay", None)
    if essay is None and event.essay_id is not None:
        essay = Page.objects.filter(pk=event.essay_id).first()
    return _essay(essay)


def _lead(event: Event) -> dict[str, Any]:
    request = event.subject
    return {
        "essay": _essay_of(event),
        "name": request.name,
        "email": request.reader.email,
        "newsletter": bool(event.data.get("newsletter", False)),
        "created_at": _when(request.created_at),
        "confirmed_at": _when(request.confirmed_at),
    }


def _consented(event: Event) -> dict[str, Any]:
    consent = event.subject
    source = consent.subject  # the download request the consent came with, if any
    essay = getattr(source, "essay", None)
    return {
        "email": consent.email.lower(),
        "essay": _essay(essay),
        "source_url": essay.full_url if essay is not None else "",
        "given_at": _when(consent.given_at),
        "confirmed_at": _when(consent.confirmed_at),
        "text": consent.text,
    }


def _message(event: Event) -> dict[str, Any]:
    message = event.subject
    return {
        "essay": _essay_of(event),
        "name": message.name,
        "email": message.email,
        "organisation": message.organisation,
        "text": message.text,
        "publication": message.consent or None,
        "received_at": _when(message.created_at),
    }


def _comment(event: Event) -> dict[str, Any]:
    comment = event.subject
    return {
        "essay": _essay_of(event),
        "id": comment.pk,
        "in_reply_to": comment.parent_id,
        "name": comment.name,
        "text": comment.text,
        "posted_at": _when(comment.created_at),
        "published_at": _when(event.at),
    }


def _address_only(key: str) -> Any:
    return lambda event: {"email": event.data["email"].lower(), key: _when(event.at)}


_BUILDERS = {
    "lead.created": _lead,
    "lead.confirmed": _lead,
    "newsletter.consented": _consented,
    "newsletter.withdrawn": _address_only("withdrawn_at"),
    "message.received": _message,
    "comment.published": _comment,
    "reader.erased": _address_only("erased_at"),
}


def payload(event: Event) -> dict[str, Any]:
    return {
        "type": event.name,
        "timestamp": event.at.isoformat(),
        "schema": SCHEMA,
        "data": _BUILDERS[event.name](event),
    }


def signup_network(event: Event) -> str:
    """Laposta asks for the address a signup came from: the reader's truncated network (the
    last part zero), which is all the site keeps of it; empty when it is no longer kept."""
    if event.name != "newsletter.consented":
        return ""
    source = event.subject.subject
    return str(getattr(source, "ip_network", "") or "")
