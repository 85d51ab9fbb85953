"""Django's SQLite backend, with writers queued instead of polling.

SQLite lets one writer in at a time. A writer that finds the database locked sleeps and tries
again, in steps that grow to 100 ms (SQLite's own busy handler), however soon the lock is free:
under a spike of form posts from a few processes some posts waited seconds for a lock held a
millisecond at a time. Here a transaction (every `atomic` block begins one, BEGIN IMMEDIATE)
first queues for the right to write: the threads of a process on a lock, whose holder is woken
the moment it is let go, and the processes on a file lock beside the database, asked every
half millisecond. It is let go after the commit or rollback. A write outside a transaction (a
task queued once the request's transaction committed) queues the same way for its one
statement. The wait keeps SQLite's limit (OPTIONS timeout) and then fails as SQLite would, with
"database is locked"."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_process_writer = threading.Lock()
# A process forked while one of its threads was writing must not start with the lock taken.
os.register_at_fork(after_in_child=lambda: globals().update(_process_writer=threading.Lock()))

_POLL_SECONDS = 0.0005
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class _Cursor(base.SQLiteCursorWrapper):
    """A statement that writes, outside a transaction, takes the writers' lock for itself."""

    database: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if self._alone(query):
            with self.database.writer():
                return super().execute(query, params)
        return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        if self._alone(query):
            with self.database.writer():
                return super().executemany(query, param_list)
        return super().executemany(query, param_list)

    def _alone(self, query: str) -> bool:
        database = self.database
        return (
            not database._writing
            and not database.in_atomic_block
            and query.lstrip()[:6].upper() in _WRITES
        )


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_file: int | None = None
    _writing = False

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.database = self
        return cursor

    @contextmanager
    def writer(self) -> Iterator[None]:
        self._writer_acquire()
        try:
            yield
        finally:
            self._writer_release()

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self._writer_release()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._writer_release()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._writer_release()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._writer_release()
            if self._writer_file is not None:
                os.close(self._writer_file)
                self._writer_file = None

    def _writer_acquire(self) -> None:
        if self._writing:
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        if not _process_writer.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        try:
            if not self.is_in_memory_db():
                if self._writer_file is None:
                    # Read-only is enough for a lock: a process of another user (a command
                    # run as root) can take it too, whoever made the file.
                    path = f"{self.settings_dict['NAME']}-writer.lock"
                    self._writer_file = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
                while True:
                    try:
                        fcntl.flock(self._writer_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise OperationalError("database is locked") from None
                        time.sleep(_POLL_SECONDS)
        except BaseException:
            _process_writer.release()
            raise
        self._writing = True

    def _writer_release(self) -> None:
        if not self._writing:
            return
        self._writing = False
        if self._writer_file is not None:
            fcntl.flock(self._writer_file, fcntl.LOCK_UN)
        _process_writer.release()
