"""The cache every process on the machine shares (SQLite files without Redis, Redis with it):
what one process counts, the others see, however many count at once."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier

from voorproef.core.guards import rate_limit_hit

PROCESSES = 4
POSTS_EACH = 30
LIMIT = 60
WINDOW = 10**9  # seconds: no window ends while the test runs


def _post_many(start: Barrier, refused: multiprocessing.Queue[int]) -> None:
    start.wait()
    refused.put(
        sum(
            rate_limit_hit("test-form", "192.0.2.0/24", limit=LIMIT, seconds=WINDOW)
            for _ in range(POSTS_EACH)
        )
    )


def test_a_rate_limit_holds_when_four_processes_count_at_once() -> None:
    # Four app workers taking posts from one network at the same moment: exactly LIMIT get
    # through. A counter read and written back (Django's file cache) let more through.
    fork = multiprocessing.get_context("fork")
    start, refused = fork.Barrier(PROCESSES), fork.Queue()
    workers = [fork.Process(target=_post_many, args=(start, refused)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    counts = [refused.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sum(counts) == PROCESSES * POSTS_EACH - LIMIT
