"""The editors hear when a reader's right takes something they published off the site: an
erasure, or a consent to publish taken back. One mail each time, saying what left which page,
never who asked."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils.translation import gettext_lazy as _

from voorproef.mail.services import editors_address, mail_queue


class PublishedContentReason(models.TextChoices):
    ERASED = "erased", _("A reader had their data erased.")
    WITHDRAWN = "withdrawn", _("A reader took back their consent to publish.")


def published_content_notice(
    *, items: Sequence[tuple[str, str]], reason: PublishedContentReason
) -> None:
    """Queue the notice (in the caller's transaction): `items` are (what, on which page)."""
    to = editors_address()
    if not items or not to:
        return
    mail_queue(
        kind="privacy-taken-off",
        to=to,
        context={"items": list(items), "reason": reason.label},
    )
