"""The file cache (the default without Redis) keeps near its size without listing its folder on
every write, which made each write as slow as the folder is big."""

from __future__ import annotations

from pathlib import Path

import pytest

from voorproef.core.caching import FileCache


def test_the_folder_is_counted_once_a_minute_and_kept_near_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    listings: list[int] = []
    list_files = cache._list_cache_files  # type: ignore[attr-defined]

    def counted() -> list[str]:
        files = list_files()
        listings.append(len(files))
        return files

    monkeypatch.setattr(cache, "_list_cache_files", counted)
    for n in range(30):
        cache.set(f"key-{n}", n)
    assert listings == [0], "one count for thirty writes"
    assert len(list(tmp_path.glob("*.djcache"))) == 30  # over MAX_ENTRIES until the next count

    monkeypatch.setattr(FileCache, "CULL_SECONDS", 0.0)  # a minute later
    cache.set("key-30", 30)
    assert listings == [0, 30]
    assert len(list(tmp_path.glob("*.djcache"))) == 16  # half culled, then the new one
    assert cache.get("key-30") == 30
