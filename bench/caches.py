"""The shared cache without Redis, measured: Django's file cache, Django's database cache on a
SQLite file of its own, and diskcache (the one the site uses, core/caching.DiskCache), each
used by PROCESSES processes × THREADS threads at once, as the app server's processes use it.

  .venv/bin/python bench/caches.py [SECONDS]

"post" rounds are a form post's cache work (two rate-limit counters, a flood mark, the page
generation read and bumped); "page" rounds read a 60 KB cached page (and store it when
missing). Prints rounds per second, and how many of the counters' increments were lost."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROCESSES, THREADS = 4, 4
PAGE = (b"x" * 1000 + b"\n") * 60


def _backends(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        "Django file cache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder / "file"),
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
        "Django database cache": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_table",
        },
        "diskcache": {
            "BACKEND": "voorproef.core.caching.DiskCache",
            "LOCATION": str(folder / "disk"),
            "DATABASE_TIMEOUT": 0.1,
        },
    }


def _setup(folder: Path, backend: str) -> None:
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        CACHES={"default": _backends(folder)[backend]},
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(folder / "cache.sqlite3"),
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    "timeout": 20,
                },
            }
        },
        USE_TZ=True,
    )
    django.setup()


def _work(folder: Path, backend: str, mode: str, seconds: float, out: Any) -> None:
    _setup(folder, backend)
    from django.core.cache import cache

    done: list[int] = []
    stop = time.monotonic() + seconds

    def loop() -> None:
        rounds = 0
        while time.monotonic() < stop:
            rounds += 1
            if mode == "post":
                if not cache.add("ratelimit:ip", 1, timeout=3600):
                    cache.incr("ratelimit:ip")
                if not cache.add(f"ratelimit:email:{rounds % 50}", 1, timeout=3600):
                    cache.incr(f"ratelimit:email:{rounds % 50}")
                cache.set(f"flood:{threading.get_ident()}:{rounds}", 1, timeout=15)
                cache.get("pagecache:generation")
                cache.set("pagecache:generation", str(rounds), timeout=None)
            elif cache.get(f"page:{rounds % 20}") is None:
                cache.set(f"page:{rounds % 20}", (200, [], PAGE), 3600)
        done.append(rounds)

    threads = [threading.Thread(target=loop) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(sum(done))


def _run(backend: str, mode: str, seconds: float) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(prefix="voorproef-caches-"))
    try:
        fork = multiprocessing.get_context("fork")
        if backend == "Django database cache":
            # In a process of its own, so the ones forked below start without Django set up.
            made = fork.Process(target=_table, args=(folder,))
            made.start()
            made.join()
        out = fork.Queue()
        workers = [
            fork.Process(target=_work, args=(folder, backend, mode, seconds, out))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        rounds = sum(out.get() for _ in workers)
        for worker in workers:
            worker.join()
        lost = 0
        if mode == "post":
            counted = fork.Queue()
            reader = fork.Process(target=_counter, args=(folder, backend, counted))
            reader.start()
            lost = rounds - counted.get()
            reader.join()
        return rounds / seconds, lost
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _table(folder: Path) -> None:
    _setup(folder, "Django database cache")
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)


def _counter(folder: Path, backend: str, out: Any) -> None:
    _setup(folder, backend)
    from django.core.cache import cache

    out.put(cache.get("ratelimit:ip", 0))


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    print(f"{PROCESSES} processes × {THREADS} threads, {seconds:g} s each")
    print(f"{'backend':<24}{'post rounds/s':>15}{'counts lost':>13}{'page reads/s':>14}")
    for backend in _backends(Path()):
        post, lost = _run(backend, "post", seconds)
        page, _ = _run(backend, "page", seconds)
        print(f"{backend:<24}{post:>15,.0f}{lost:>13,}{page:>14,.0f}")


if __name__ == "__main__":
    main()
