"""A real receiver on loopback for the webhook tests: an HTTP server in a thread that checks
every delivery's signature with the `standardwebhooks` library from PyPI (not Voorproef's own
code), and answers as a test tells it to (down, slow, 500 then 200, 410)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers `answers` in turn (then `then`), after `delay` seconds. A delivery is accepted
    when its signature verifies and the answer is 2xx; a repeat of an accepted webhook-id is
    counted apart, as a receiver that skips repeats would."""

    secrets: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    then: int = 200
    delay: float = 0.0
    # Per webhook-id, answer these first (for many deliveries at once: 500 then 200 for each).
    answers_per_id: list[int] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    accepted: dict[str, Any] = field(default_factory=dict)
    repeats: list[str] = field(default_factory=list)
    bad_signatures: int = 0
    check: Callable[[Seen], int | None] | None = None
    _tries: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                status = receiver.answer(seen)
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                if status in {301, 302, 307, 308}:
                    self.send_header("Location", "http://10.0.0.1/internal")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._thread: threading.Thread | None = None

    def answer(self, seen: Seen) -> int:
        with self._lock:
            self.seen.append(seen)
            if self.check is not None:
                return self.check(seen) or 200
            message_id = seen.headers.get("webhook-id", "")
            if self.secrets and not any(self._verifies(s, seen) for s in self.secrets):
                self.bad_signatures += 1
                return 401
            if self.answers:
                status = self.answers.pop(0)
            else:
                tries = self._tries.get(message_id, 0)
                self._tries[message_id] = tries + 1
                status = (
                    self.answers_per_id[tries] if tries < len(self.answers_per_id) else self.then
                )
            if 200 <= status < 300:
                if message_id in self.accepted:
                    self.repeats.append(message_id)
                else:
                    self.accepted[message_id] = seen.json()
            return status

    @staticmethod
    def _verifies(secret: str, seen: Seen) -> bool:
        try:
            StandardWebhook(secret).verify(seen.body, seen.headers)
        except WebhookVerificationError:
            return False
        return True

    def start(self) -> Receiver:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
