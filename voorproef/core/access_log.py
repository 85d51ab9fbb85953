"""Logs that keep no reader's key, address or browser. Personal links carry their secret in the
address (stored only as a hash) and readers' addresses are kept only truncated, so the access
log shows the truncated network, the address with every key masked and no user agent or
referer; the same masking serves the error logs (`KeyMaskFilter`). deploy/nginx/voorproef.conf
masks nginx's access log the same way."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from multiprocessing import util as multiprocessing_util
from typing import Any

from django.conf import settings

from voorproef.core.ip import ip_truncate
from voorproef.core.keys import mask_path, mask_query, mask_text

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_IP_FIELD = re.compile(r"\bip=(?P<address>\S*?)(?=: |\s|$)")


_EMAIL = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+\.[A-Za-z]{2,}")
ADDRESS_MASK = "[address]"


class KeyMaskFilter(logging.Filter):
    """Masks keys in what a record says (Django's "Not Found: /download/<key>/", a server's
    "Error handling request <uri>"), truncates an "ip=<address>", and masks email addresses (a
    mail server's refusal names its recipient)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # the handler reports a broken record, not the filter
            return True
        masked = _IP_FIELD.sub(lambda m: f"ip={ip_truncate(m['address']) or '-'}", message)
        masked = _EMAIL.sub(ADDRESS_MASK, mask_text(masked))
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            trace = logging.Formatter().formatException(record.exc_info)
            if (masked_trace := _EMAIL.sub(ADDRESS_MASK, mask_text(trace))) != trace:
                record.exc_text = masked_trace
        return True


def _printable(text: str) -> str:
    """One line per request, whatever a decoded path holds."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def client_network(environ: Mapping[str, Any]) -> str:
    """The reader's network as the app stores it: the rule of voorproef.core.ip.client_ip (behind
    our proxy, the address it appended), truncated by ip_truncate."""
    address = str(environ.get("REMOTE_ADDR", ""))
    behind_proxy = settings.configured and getattr(settings, "BEHIND_PROXY", False)
    if behind_proxy and (forwarded := environ.get("HTTP_X_FORWARDED_FOR")):
        address = str(forwarded).split(",")[-1].strip()
    return ip_truncate(address) or "-"


# Access lines go to their own logger (settings.LOGGING: stdout, whatever LOG_LEVEL says).
access_logger = logging.getLogger("voorproef.access")

# What a WSGI server puts in a request's environ itself (PEP 3333); anything else in it that
# also is in the process's environment, the server copied from there.
_REQUEST_KEYS = frozenset(
    {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
     "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR",
     "REMOTE_PORT", "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "RAW_URI"}
)  # fmt: skip


def access_line(environ: Mapping[str, Any], status: str, sent: int, seconds: float) -> str:
    """`network [time] "METHOD masked-path?masked-query PROTOCOL" status bytes durationms`."""
    method = _printable(str(environ.get("REQUEST_METHOD", "-")))
    path = _printable(mask_path(str(environ.get("PATH_INFO", ""))))
    query = _printable(mask_query(str(environ.get("QUERY_STRING", ""))))
    protocol = _printable(str(environ.get("SERVER_PROTOCOL", "-")))
    when = time.strftime("[%d/%b/%Y:%H:%M:%S %z]")
    request = f"{method} {path}{'?' + query if query else ''} {protocol}"
    return f'{client_network(environ)} {when} "{request}" {status} {sent} {int(seconds * 1000)}ms'


class AccessLog:
    """The WSGI app as the server runs it (voorproef/wsgi.py): one line per request once its
    answer is out (`access_line`), and nothing of the server's own environment in a request.
    granian copies the whole process environment into every request's environ, and
    so into Django's `request.META`: DATABASE_URL, EMAIL_URL and their passwords."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.server_environment = tuple(
            key for key in os.environ if key not in _REQUEST_KEYS and not key.startswith("HTTP_")
        )

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        for key in self.server_environment:
            environ.pop(key, None)
        status = ["500"]

        def start(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = line.split(None, 1)[0]
            return start_response(line, headers, exc_info)

        try:
            body = self.app(environ, start)
        except BaseException:
            self.log(environ, "500", 0, started)  # the server answers 500
            raise
        if getattr(body, "streaming", True) is False:
            # Django's response with its whole body in memory: handed over as one piece (the
            # server writes it at once), closed (Django's end of the request) before.
            try:
                content = b"".join(body)
            finally:
                getattr(body, "close", lambda: None)()
            sent = 0 if environ.get("REQUEST_METHOD") == "HEAD" else len(content)  # headers only
            self.log(environ, status[0], sent, started)
            return [content]
        return _Streamed(body, self, environ, status, started)

    def log(self, environ: Mapping[str, Any], status: str, sent: int, started: float) -> None:
        if not access_logger.isEnabledFor(logging.INFO):
            return
        line = access_line(environ, status, sent, time.perf_counter() - started)
        # No search of the calling frame for a file and line, which no handler prints.
        access_logger.handle(
            logging.LogRecord(access_logger.name, logging.INFO, __file__, 0, line, None, None)
        )


class BlockHandler(logging.StreamHandler):
    """Writes the access lines in blocks: up to BLOCK_BYTES at once, each line at most a second
    after it was logged, as nginx's own log does (`buffer=… flush=1s`, deploy/nginx). The log
    took a fifth of a page from the app's cache (`make bench`'s app alone: 5,050 against 6,470
    req/s with it turned off, 2026-12-08), most of it a write per request while the server's
    other thread waited for the handler (py-spy: 17 % of the samples).

    A block is never larger than the kernel writes in one piece to a pipe (PIPE_BUF), and ends
    at the end of a line: the server's processes share one stdout (journald's stream, a pipe),
    and their lines never run into each other's. What is still held when the process ends is
    written then."""

    BLOCK_BYTES = 4096  # PIPE_BUF on Linux
    SECONDS = 1.0

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream)
        self.held: list[str] = []
        self.held_bytes = 0
        self.flusher_pid = 0  # the process whose flusher thread runs (none after a fork)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            size = len(line.encode())
            if self.held_bytes + size > self.BLOCK_BYTES:
                self._write()
            self.held.append(line)
            self.held_bytes += size
            if self.flusher_pid != os.getpid():
                self.flusher_pid = os.getpid()
                threading.Thread(target=self._flusher, name="access-log", daemon=True).start()
                # A server's worker process (granian's, forked by multiprocessing) ends without
                # logging's shutdown; multiprocessing runs its finalizers then, and atexit any
                # other process's.
                multiprocessing_util.Finalize(None, self.flush, exitpriority=0)
        except Exception:
            self.handleError(record)

    def _write(self) -> None:
        """Writes what is held, and holds it no longer (the caller holds the handler's lock)."""
        if not self.held:
            return
        text = "".join(self.held)
        self.held.clear()
        self.held_bytes = 0
        self.stream.write(text)
        self.stream.flush()

    def flush(self) -> None:
        self.acquire()
        try:
            self._write()
        finally:
            self.release()

    def _flusher(self) -> None:
        while True:
            time.sleep(self.SECONDS)
            # A closed stdout, which logging's shutdown ignores too.
            with contextlib.suppress(OSError, ValueError):
                self.flush()


class _Streamed:
    """A streamed answer (a static file without nginx in front, say): logged when the server
    closes it, sent whole or not."""

    def __init__(
        self,
        body: Iterable[bytes],
        log: AccessLog,
        environ: Mapping[str, Any],
        status: list[str],
        started: float,
    ) -> None:
        self.body, self.chunks = body, iter(body)
        self.access, self.environ, self.status, self.started = log, environ, status, started
        self.sent = 0

    def __iter__(self) -> _Streamed:
        return self

    def __next__(self) -> bytes:
        chunk = next(self.chunks)
        self.sent += len(chunk)
        return chunk

    def close(self) -> None:
        try:
            getattr(self.body, "close", lambda: None)()
        finally:
            self.access.log(self.environ, self.status[0], self.sent, self.started)
