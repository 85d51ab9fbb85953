"""Personal data is kept no longer than the README says: one purge for every app."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
_VOID = "void:"


def _networks_clear(since: timedelta) -> int:
    """Truncated IP addresses and browser strings, once they are no longer needed to spot
    abuse."""
    from voorproef.comments.models import Comment
    from voorproef.downloads.models import DownloadRequest
    from voorproef.inbox.models import ReaderMessage

    cutoff = timezone.now() - since
    cleared = 0
    for model in (DownloadRequest, ReaderMessage, Comment):
        rows = model.objects.filter(created_at__lt=cutoff).exclude(ip_network="", user_agent="")
        cleared += rows.update(ip_network="", user_agent="")
    return cleared


def _unconfirmed_delete(since: timedelta) -> int:
    """Requests whose address was never confirmed: nobody agreed to anything."""
    from voorproef.downloads.models import DownloadRequest

    cutoff = timezone.now() - since
    deleted, _ = DownloadRequest.objects.filter(
        mode=DownloadRequest.Mode.CONFIRM, confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return int(deleted)


def _mail_bodies_clear(since: timedelta) -> int:
    """What old mail said; the row stays, to show it was sent."""
    from voorproef.mail.models import OutgoingMail

    cutoff = timezone.now() - since
    old = OutgoingMail.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]
    )
    return int(
        old.exclude(body_text="", body_html="").update(body_text="", body_html="", attachments=[])
    )


def _expired_tokens_invalidate(since: timedelta) -> int:
    """A personal link stops meaning anything some time after it expired (until then it
    leads to the page that offers a fresh one): its stored hash is replaced by the hash of a
    token nobody holds."""
    from voorproef.downloads.models import DownloadRequest

    cutoff = timezone.now() - since
    expired = DownloadRequest.objects.filter(expires_at__lt=cutoff).exclude(
        token_hash__startswith=_VOID
    )
    count = 0
    with transaction.atomic():
        for request in expired.select_for_update().only("pk"):
            void = _VOID + hashlib.sha256(secrets.token_bytes(32)).hexdigest()[:59]
            DownloadRequest.objects.filter(pk=request.pk).update(
                token_hash=void, newsletter_token_hash=None
            )
            count += 1
    return count


def retention_purge() -> dict[str, int]:
    """Run every retention rule once; returns what each did."""
    from voorproef.comments.services import comments_purge

    done = {
        "networks_cleared": _networks_clear(timedelta(days=settings.RETENTION_NETWORK_DAYS)),
        "unconfirmed_requests_deleted": _unconfirmed_delete(
            timedelta(days=settings.RETENTION_UNCONFIRMED_DAYS)
        ),
        "spam_and_trash_deleted": comments_purge(),
        "mail_bodies_cleared": _mail_bodies_clear(timedelta(days=settings.RETENTION_MAIL_DAYS)),
        "expired_links_invalidated": _expired_tokens_invalidate(
            timedelta(days=settings.RETENTION_NETWORK_DAYS)
        ),
    }
    if any(done.values()):
        logger.info("retention purge: %s", done)
    return done
