"""The cache backends: SQLite files that every process on the machine shares (without Redis),
and the per-process memory Wagtail keeps its renditions in. The page cache itself is
`pagecache`."""

from __future__ import annotations

from typing import Any

from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class DiskCache(DjangoCache):
    """diskcache's SQLite cache (the default without Redis), its connections kept open.

    Django closes every cache at the end of every request; diskcache's close() closes each
    thread's connections to all its shards, and the next request opened them again: eight
    connects and their PRAGMAs, about 4 ms, on every request. Each operation is its own
    transaction, so a connection can stay open for the life of its thread, as diskcache's
    author advises (grantjenks/python-diskcache#71); a forked process opens its own."""

    # How many keys set_many writes in one transaction: each holds every shard's lock, for
    # about 12 ms at 500 keys.
    SET_MANY_BATCH = 500

    def close(self, **kwargs: Any) -> None:
        pass

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        """The keys in a few transactions, not one each: the statistics' fold keeps a launch
        spike's visits, tens of thousands at once, in 0.73 instead of 2.0 s a 30,000. Returns
        the keys that were not stored, as Django's set_many does."""
        items = list(data.items())
        failed: list[str] = []
        for start in range(0, len(items), self.SET_MANY_BATCH):
            with self._cache.transact():
                failed += [
                    key
                    for key, value in items[start : start + self.SET_MANY_BATCH]
                    if not self.set(key, value, timeout, version)
                ]
        return failed


class RenditionCache(LocMemCache):
    """Where Wagtail keeps which image sizes exist: in each process's memory, written once.

    Wagtail 8.0 writes every rendition it read from the cache back to it on every page view
    (fixed upstream in wagtail/wagtail#14541, not yet released); against a shared cache that
    was 20 writes, and most of the time, of each page render. A rendition's key names
    the image file, the size and the focal point, so what is stored under it never changes:
    a key already here is not written again. Entries live TIMEOUT seconds, which bounds how
    long another process may point at a rendition an editor deleted."""

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        for key, value in data.items():
            self.add(key, value, timeout, version)
        return []
