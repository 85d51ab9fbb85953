from __future__ import annotations

from django.conf import settings


def absolute_url(path_or_url: str) -> str:
    """An address readers can follow from anywhere: SITE_URL in front of a site path."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"{settings.SITE_URL}/{path_or_url.lstrip('/')}"
