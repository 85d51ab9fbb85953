"""Consent, for every purpose: recorded with the exact words shown (each text versioned), the
time, where it was given and the row it came with."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone

from .models import Consent, ConsentWording


def consent_wording(*, purpose: str, text: str) -> ConsentWording:
    """The version of this consent text: the one on record, or the next version number."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    for _attempt in range(3):
        found = ConsentWording.objects.filter(purpose=purpose, digest=digest).first()
        if found is not None:
            return found
        latest = ConsentWording.objects.filter(purpose=purpose).aggregate(v=Max("version"))["v"]
        try:
            with transaction.atomic():
                return ConsentWording.objects.create(
                    purpose=purpose, version=(latest or 0) + 1, text=text, digest=digest
                )
        except IntegrityError:  # another request recorded it (or took the number) just now
            continue
    raise RuntimeError("could not record a consent text")


def consent_record(
    *,
    email: str,
    purpose: str,
    text: str,
    source: str,
    subject: Model,
    given_at: datetime | None = None,
) -> Consent:
    """Record a consent given now (or at `given_at`) with the words shown, and the version of
    those words (none for a consent asked without words of its own)."""
    return Consent.objects.create(
        email=email,
        purpose=purpose,
        text=text,
        wording=consent_wording(purpose=purpose, text=text) if text else None,
        source=source,
        given_at=given_at or timezone.now(),
        subject=subject,
    )
