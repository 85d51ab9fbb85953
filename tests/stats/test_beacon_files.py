"""The beacons nginx answers itself (deploy/nginx): written down a file per 10 seconds, counted
by the scheduler once a file has ended, then deleted. tests/deploy/test_nginx.py has nginx write
them; here the files are written as nginx writes them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import OperationalError
from django.test import Client

from voorproef.essays.models import EssayPage
from voorproef.stats import services
from voorproef.stats.services import BEACON_FILE_SECONDS, beacon_files_fold

from .helpers import FIREFOX, GOOGLEBOT, SAFARI, beacon, counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    settings.STATS_BEACON_DIR = tmp_path
    return tmp_path


def _line(essay: EssayPage, *, at: float, ua: str = FIREFOX, **fields: str) -> str:
    query = urlencode({"page": essay.pk, "kind": "view", "path": essay.url, **fields})
    entry = {"t": f"{at:.3f}", "m": "POST", "net": "198.51.100.0", "ua": ua, "gpc": "",
             "dnt": "", "site": "same-origin", "host": "testserver", "q": query}  # fmt: skip
    return json.dumps(entry)


def _write(folder: Path, at: float, lines: list[str]) -> Path:
    path = folder / f"{int(at) // BEACON_FILE_SECONDS}.log"
    with path.open("a") as file:
        file.write("".join(line + "\n" for line in lines))
    return path


def test_an_ended_file_is_counted_once_and_deleted(folder: Path, essay: EssayPage) -> None:
    at = time.time() - 60
    path = _write(folder, at, [
        _line(essay, at=at, query="utm_source=nieuwsbrief"),
        _line(essay, at=at + 1),  # the same visit: one visitor, two views
        _line(essay, at=at + 2, kind="form"),
        _line(essay, at=at, ua=SAFARI),
    ])  # fmt: skip
    assert beacon_files_fold() == 2 + 2 + 3 + 1  # two readers (site, essay); views; form
    assert not path.exists()
    assert counted("view", page_id=essay.pk) == 3
    assert counted("visitor", page_id=essay.pk, utm_source="nieuwsbrief") == 1
    assert counted("form", page_id=essay.pk, utm_source="nieuwsbrief") == 1
    assert beacon_files_fold() == 0


def test_a_file_nginx_may_still_write_waits(folder: Path, essay: EssayPage) -> None:
    now = time.time()
    path = _write(folder, now, [_line(essay, at=now)])
    assert beacon_files_fold(now=now) == 0 and path.exists()
    assert beacon_files_fold(now=now + BEACON_FILE_SECONDS + 6) == 3


def test_a_reader_counted_by_the_app_and_by_nginx_is_one_visitor(
    client: Client, folder: Path, essay: EssayPage
) -> None:
    beacon(client, essay)  # the app answered (198.51.100.7: the same /24 network)
    at = time.time() - 60
    _write(folder, at, [_line(essay, at=at)])
    beacon_files_fold()
    assert counted("view", page_id=essay.pk) == 2
    assert counted("visitor", page_id=essay.pk) == 1


def test_a_launch_spikes_readers_are_each_one_visitor_across_files(
    folder: Path, essay: EssayPage
) -> None:
    # More readers than the cache keeps in one transaction (DiskCache.SET_MANY_BATCH): every
    # visit is kept, so the same readers in the next file are no new visitors.
    readers = [f"{FIREFOX} r{n}" for n in range(1201)]
    at = time.time() - 60
    _write(folder, at, [_line(essay, at=at, ua=ua) for ua in readers])
    beacon_files_fold()
    other = at - BEACON_FILE_SECONDS  # the file of the 10 seconds before
    _write(folder, other, [_line(essay, at=other, ua=ua) for ua in readers])
    beacon_files_fold()
    assert counted("visitor", page_id=essay.pk) == 1201
    assert counted("view", page_id=essay.pk) == 2402


def test_what_is_not_a_welcome_beacon_counts_nothing(folder: Path, essay: EssayPage) -> None:
    at = time.time() - 60
    good = json.loads(_line(essay, at=at))
    _write(folder, at, [
        "",
        "not json",
        "[1, 2]",
        json.dumps({**good, "t": "soon"}),
        json.dumps({**good, "m": "GET"}),
        json.dumps({**good, "gpc": "1"}),
        json.dumps({**good, "dnt": "1"}),
        json.dumps({**good, "site": "cross-site"}),
        json.dumps({**good, "q": "page=abc&kind=view"}),
        _line(essay, at=at, kind="click"),
        _line(essay, at=at, path="/elders/"),
        _line(essay, at=at, ua=GOOGLEBOT),
        _line(essay, at=at, ua=""),
        _line(essay, at=at, page="999999"),
    ])  # fmt: skip
    assert beacon_files_fold() == 0
    assert not list(folder.iterdir())


def test_a_file_is_kept_for_the_next_round_when_the_database_fails(
    folder: Path, essay: EssayPage
) -> None:
    at = time.time() - 60
    path = _write(folder, at, [_line(essay, at=at)])
    down = OperationalError("database is down")
    with mock.patch.object(services, "_store", side_effect=down), pytest.raises(OperationalError):
        beacon_files_fold()
    assert path.exists()
    assert beacon_files_fold() == 3


def test_a_file_left_half_counted_by_a_crash_is_deleted_uncounted_later(
    folder: Path, essay: EssayPage
) -> None:
    at = time.time() - 60
    fresh = _write(folder, at, [_line(essay, at=at)]).rename(folder / "1.folding")
    old = folder / "2.folding"
    old.write_text(_line(essay, at=at) + "\n")
    os.utime(old, (at - 3600, at - 3600))
    assert beacon_files_fold() == 0
    assert fresh.exists() and not old.exists()
