"""The page cache: whole responses for anonymous readers, dropped together on any change.

One generation token is part of every key; a purge replaces the token, so every process that
shares the cache (app workers, the task worker, the scheduler) stops serving old pages at once.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"


def page_cache_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add() keeps a token another process set in the meantime.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    return str(generation)


def page_cache_purge(*, reason: str) -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    logger.debug("page cache purged: %s", reason)


class RenditionCache(LocMemCache):
    """Where Wagtail keeps which image sizes exist: in each process's memory, written once.

    Wagtail 8.0 writes every rendition it read from the cache back to it on every page view
    (fixed upstream in wagtail/wagtail#14541, not yet released); against the file cache that
    was 20 file writes, and most of the time, of each page render. A rendition's key names
    the image file, the size and the focal point, so what is stored under it never changes:
    a key already here is not written again. Entries live TIMEOUT seconds, which bounds how
    long another process may point at a rendition an editor deleted."""

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        for key, value in data.items():
            self.add(key, value, timeout, version)
        return []
