"""The app server as every node runs it (voorproef/server.py) and nginx in front of it agree on
who closes an idle connection: nginx, always, so no request meets a closing socket."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT, free_port, process_env, process_start, processes_stop, wait_for
from voorproef import server


def _nginx_upstream_keepalive_seconds() -> int:
    text = (ROOT / "deploy" / "nginx" / "voorproef.conf").read_text()
    upstream = re.search(r"upstream voorproef \{(.*?)\}", text, re.S)
    assert upstream is not None
    timeout = re.search(r"keepalive_timeout (\d+)s;", upstream.group(1))
    assert timeout is not None, "the upstream block says how long nginx keeps idle connections"
    return int(timeout.group(1))


def test_the_app_keeps_an_idle_connection_longer_than_nginx_does() -> None:
    assert _nginx_upstream_keepalive_seconds() < server.KEEPALIVE_SECONDS


def _get(connection: socket.socket) -> bytes:
    """One request on a kept-alive connection; its whole answer, or what came before a close."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while True:
        head, _, body = answer.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length: *(\d+)", head)
        if _ and length and len(body) >= int(length.group(1)):
            return answer
        chunk = connection.recv(4096)
        if not chunk:
            return answer
        answer += chunk


@pytest.mark.django_db(transaction=True)  # the app answers /healthz from the test database
def test_a_connection_left_idle_for_seconds_still_answers(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "voorproef.server", f"--bind=127.0.0.1:{port}", "--workers=1"]
    app = process_start(command, process_env(free_port()), log)
    try:

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as probe:
                    return _get(probe).startswith(b"HTTP/1.1 200")
            except OSError:
                return False

        assert wait_for(up, timeout=60)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            assert _get(connection).startswith(b"HTTP/1.1 200")
            # Longer than granian's own default of 30 s, after which it closed an idle
            # connection (nginx keeps one 60 s).
            time.sleep(32)
            assert _get(connection).startswith(b"HTTP/1.1 200")
            # A HEAD gets the headers and none of the page (a 404 here, which has one): the
            # next answer on the connection starts where it should.
            connection.sendall(b"HEAD /bestaat-niet/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += connection.recv(4096)
            assert head.startswith(b"HTTP/1.1 404") and head.endswith(b"\r\n\r\n")
            assert _get(connection).startswith(b"HTTP/1.1 200")
    finally:
        processes_stop([app], [log])


@pytest.mark.parametrize(
    ("name", "value"), [("WEB_THREADS", "many"), ("WEB_THREADS", "0"), ("WEB_CONCURRENCY", "-2")]
)
def test_a_wrong_process_or_thread_count_stops_the_start_with_its_name(
    name: str, value: str
) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "voorproef.server", "--bind=127.0.0.1:1"],
        env={**os.environ, name: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert started.stderr.strip() == f"{name} must be a whole number of at least 1, not '{value}'"
