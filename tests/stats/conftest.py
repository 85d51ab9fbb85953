from __future__ import annotations

import pytest

from voorproef.stats import services


@pytest.fixture(autouse=True)
def _fresh_buffer() -> None:
    """Each test's database starts anew; so does this process's buffer of counts."""
    services.stats_cache().clear()
    services._buffer.drain()
    services._buffer.writer = None
    services._salts.clear()
    services.page_paths_forget()
