"""The cache backends: Django's file cache counting its files once a minute, and the per-process
memory Wagtail keeps its renditions in. The page cache itself is `pagecache`."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache

_culled_at: dict[str, float] = {}


class FileCache(FileBasedCache):
    """Django's file cache (the default without Redis), counting its files once a minute.

    Django lists every file in the folder on every write, to see whether it holds MAX_ENTRIES:
    with a few hundred pages, rate-limit and flood marks stored, that listing was a quarter of
    the time of a comment post. Here each process counts at most every CULL_SECONDS; in between
    the folder may hold that many seconds' writes more than MAX_ENTRIES."""

    CULL_SECONDS = 60.0

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._folder = dir

    def _cull(self) -> None:
        now = time.monotonic()
        if now - _culled_at.get(self._folder, -self.CULL_SECONDS) < self.CULL_SECONDS:
            return
        _culled_at[self._folder] = now
        super()._cull()  # type: ignore[misc]  # private in django-stubs


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
