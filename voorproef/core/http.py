from __future__ import annotations

from typing import TypeVar

from django.http import HttpResponseBase

Response = TypeVar("Response", bound=HttpResponseBase)


def private(response: Response) -> Response:
    """For a page whose address holds a key or a personal link: kept out of shared caches
    and search engines, and no referrer carries the address to another site."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
