from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse


def absolute_url(path_or_url: str) -> str:
    """An address readers can follow from anywhere: SITE_URL in front of a site path."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"{settings.SITE_URL}/{path_or_url.lstrip('/')}"


def signed_id_link(url_name: str, pk: int, *, salt: str) -> str:
    """A link from a mail that names a row by its number, signed so it cannot be guessed or
    changed. The number, not an address: links end up in logs."""
    token = signing.dumps(pk, salt=salt, compress=False)
    return absolute_url(reverse(url_name, args=[token]))


def signed_id_read(token: str, *, salt: str) -> int | None:
    try:
        return int(signing.loads(token, salt=salt))
    except (signing.BadSignature, TypeError, ValueError):
        return None
