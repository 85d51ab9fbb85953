"""The page cache: whole responses for anonymous readers, dropped together on any change.

A page opts in with `mark_cacheable`. One generation token is part of every key; a purge
replaces the token, so every process that shares the cache (app workers, the task worker, the
scheduler) stops serving old pages: the one that purged at once, the others within
GENERATION_SECONDS.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# A second generation that changes with the pages themselves (a publish, a move, a site, a
# restriction, the site settings), not with what readers add (a comment, an experience) or an
# erasure: what routing remembers (core/routing.py) and the rendered text of a page use it.
PAGES_KEY = "pagecache:pages"


# Each generation as this process last read it, and until when it trusts that (monotonic
# seconds): a page served from the cache then costs no trip to the shared cache at all. A purge
# in this process is seen here at once, one in another process within GENERATION_SECONDS.
GENERATION_SECONDS = 1.0
_generation_read: dict[str, tuple[float, str]] = {}


def _generation(key: str) -> str:
    now = time.monotonic()
    read = _generation_read.get(key)
    if read is not None and read[0] > now:
        return read[1]
    generation = cache.get(key)
    if generation is None:
        generation = uuid.uuid4().hex
        # add() keeps a token another process set in the meantime.
        if not cache.add(key, generation, timeout=None):
            generation = cache.get(key, generation)
    _generation_read[key] = (now + GENERATION_SECONDS, str(generation))
    return str(generation)


def page_cache_generation() -> str:
    return _generation(GENERATION_KEY)


def pages_generation() -> str:
    return _generation(PAGES_KEY)


def page_cache_generation_forget() -> None:
    """Read the generations afresh next time: for a process that emptied the shared cache."""
    _generation_read.clear()


def page_cache_purge(*, reason: str, pages: bool = True) -> None:
    """Every page afresh; with `pages` (a change to the pages themselves, not only to what
    readers added to them), their routes and rendered texts too."""
    for key in (GENERATION_KEY, PAGES_KEY) if pages else (GENERATION_KEY,):
        generation = uuid.uuid4().hex
        cache.set(key, generation, timeout=None)
        _generation_read[key] = (time.monotonic() + GENERATION_SECONDS, generation)
    logger.debug("page cache purged: %s", reason)


# How long a rendered part of a page ({% kept %}, core/templatetags/kept.py) is kept at most;
# its key changes sooner, with the generation.
FRAGMENT_SECONDS = 24 * 3600


def page_fragment_key(*parts: object) -> str:
    """The key of a rendered part of a public page (a page of comments, the forms):
    the generation, so any purge renders it afresh, then what else it depends on, and the
    language it is rendered in."""
    return ":".join(str(part) for part in (page_cache_generation(), *parts, get_language()))


def page_text_fragment_key(*parts: object) -> str:
    """The key of a rendered part that shows only what editors publish (the essay's text): it
    is rendered afresh when the pages change, not after a comment, an experience or an
    erasure."""
    return ":".join(str(part) for part in (pages_generation(), *parts, get_language()))


# Query parameters that tell analytics where a reader came from and never change the page.
_TRACKING_PREFIX = "utm_"
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ref"})
_STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "Last-Modified")


def _cache_key(request: HttpRequest) -> str | None:
    params = [
        (k, v)
        for k, v in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
        if not (k.startswith(_TRACKING_PREFIX) or k in _TRACKING_PARAMS)
    ]
    if params:
        # Any other query may change the page, and would let anyone fill the cache at will.
        return None
    raw = f"{request.get_host()}{request.path}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"pagecache:{page_cache_generation()}:{digest}"


def _is_anonymous(request: HttpRequest) -> bool:
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def mark_cacheable(response: HttpResponseBase) -> HttpResponseBase:
    """Let the page cache keep this response for anonymous readers."""
    response.page_cacheable = True  # type: ignore[attr-defined]
    return response


# Pages this process served lately, by key: the shared cache (files or Redis) is asked only
# for the generation then, not for the whole page. A purge changes the key, so a copy here
# is never served after it.
_LOCAL: dict[str, tuple[float, Any]] = {}
_LOCAL_MAX = 64
_LOCAL_SECONDS = 60.0


def _cached(key: str) -> Any:
    now = time.monotonic()
    if (local := _LOCAL.get(key)) is not None and local[0] > now:
        return local[1]
    stored = cache.get(key)
    if stored is not None:
        if len(_LOCAL) >= _LOCAL_MAX:
            _LOCAL.clear()
        _LOCAL[key] = (now + min(_LOCAL_SECONDS, settings.PAGE_CACHE_SECONDS), stored)
    return stored


def _proxy_cacheable(response: HttpResponseBase) -> HttpResponseBase:
    """Tell a caching proxy in front (deploy/nginx) it may keep this page for a few seconds. Only
    this header lets it: the proxy ignores Cache-Control, which says "no-cache" on every page
    with a form (its token is fresh per response; a few seconds' sharing does no harm)."""
    if settings.PROXY_CACHE_SECONDS > 0:
        response["X-Accel-Expires"] = str(settings.PROXY_CACHE_SECONDS)
    return response


class PageCacheMiddleware:
    """Serves pages that opted in (see `mark_cacheable`) from the cache to anonymous readers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "GET" or not _is_anonymous(request):
            return self.get_response(request)
        key = _cache_key(request)
        if key is None:
            return self.get_response(request)

        if settings.PAGE_CACHE_SECONDS > 0 and (stored := _cached(key)) is not None:
            status, headers, content = stored
            hit = HttpResponse(content, status=status)
            for name, value in headers:
                hit[name] = value
            hit["Content-Length"] = str(len(content))
            hit["X-Cache"] = "HIT"
            return _proxy_cacheable(hit)

        response = self.get_response(request)
        if self._can_store(response):
            assert isinstance(response, HttpResponse)
            if settings.PAGE_CACHE_SECONDS > 0:
                headers = [(h, response[h]) for h in _STORED_HEADERS if h in response]
                cache.set(
                    key,
                    (response.status_code, headers, response.content),
                    settings.PAGE_CACHE_SECONDS,
                )
                response["X-Cache"] = "MISS"
            _proxy_cacheable(response)
        return response

    @staticmethod
    def _can_store(response: HttpResponseBase) -> bool:
        return (
            getattr(response, "page_cacheable", False)
            and isinstance(response, HttpResponse)
            and response.status_code == 200
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )
