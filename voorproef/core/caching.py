"""The page cache: whole responses for anonymous readers, dropped together on any change.

One generation token is part of every key; a purge replaces the token, so every process that
shares the cache (app workers, the task worker, the scheduler) stops serving old pages at once.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache

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
