"""SQLite's writers queue for the lock (voorproef.core.sqlite3): one at a time, across threads
and processes, each transaction let go at its commit or rollback, and a writer that waits longer
than the database's timeout gets SQLite's own "database is locked"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT, SUITE_ONLY_ENV

_SETUP = """
import sys, threading
import django
django.setup()
from django.db import connection, transaction
connection.settings_dict["OPTIONS"]["timeout"] = {timeout}

def add(times):
    for _ in range(times):
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT n FROM counter")
            n = c.fetchone()[0]
            c.execute("UPDATE counter SET n = %s", [n + 1])
"""

# Holds a transaction it commits, then one it rolls back, then adds with six threads at once.
_HOLD = """
with transaction.atomic(), connection.cursor() as c:
    c.execute("UPDATE counter SET n = n + 1")
    print("holding", flush=True)
    sys.stdin.readline()
try:
    with transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE counter SET n = n + 1000")
        print("holding", flush=True)
        sys.stdin.readline()
        raise RuntimeError("rolled back")
except RuntimeError:
    print("rolled back", flush=True)
sys.stdin.readline()
"""

_THREADS = """
threads = [threading.Thread(target=add, args=(40,)) for _ in range(6)]
for thread in threads: thread.start()
for thread in threads: thread.join()
"""


def _python(
    tmp_path: Path, code: str, *, timeout: float = 20, talk: bool = False
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="voorproef.settings",
        SECRET_KEY="only-for-these-tests",
        VAR_DIR=str(tmp_path),
    )
    pipe = subprocess.PIPE if talk else None
    command = [sys.executable, "-c", _SETUP.format(timeout=timeout) + code]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, text=True, stderr=subprocess.PIPE, stdin=pipe, stdout=pipe
    )


def _said(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdout is not None
    assert process.stdout.readline().strip() == line


def _tell(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()


def test_writers_queue_across_threads_and_processes_and_lose_nothing(tmp_path: Path) -> None:
    database = tmp_path / "voorproef.sqlite3"
    with sqlite3.connect(database) as made:
        made.execute("CREATE TABLE counter (n INTEGER)")
        made.execute("INSERT INTO counter VALUES (0)")
    holder = _python(tmp_path, _HOLD + _THREADS, talk=True)
    try:
        _said(holder, "holding")
        # A writer that waits longer than the timeout is told so, as SQLite would.
        refused = _python(tmp_path, "add(1)", timeout=1)
        _, errors = refused.communicate(timeout=120)
        assert refused.returncode != 0 and "database is locked" in errors
        _tell(holder)  # commits, then holds a transaction it will roll back
        _said(holder, "holding")
        _tell(holder)
        _said(holder, "rolled back")
        # Let go after the rollback too: six threads in each of two processes at once.
        other = _python(tmp_path, _THREADS)
        _tell(holder)
        for process in (holder, other):
            _, errors = process.communicate(timeout=120)
            assert process.returncode == 0, errors
    finally:
        holder.kill()
        holder.wait()
    with sqlite3.connect(database) as counted:
        assert counted.execute("SELECT n FROM counter").fetchone()[0] == 1 + 2 * 6 * 40
