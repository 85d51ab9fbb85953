"""The logs keep what readers are told is kept: their network, not their address, and personal
links without their key; no user agent, no referer (voorproef/core/access_log.py)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import subprocess
import sys
import traceback
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from django.test import Client, RequestFactory
from django.utils import timezone
from granian.log import LogLevels, configure_logging

from tests.support import ROOT, free_port, process_env, process_start, processes_stop, wait_for
from voorproef import server
from voorproef.core.access_log import (
    AccessLog,
    BlockHandler,
    KeyMaskFilter,
    access_line,
    client_network,
)
from voorproef.core.ip import client_ip, ip_truncate
from voorproef.core.keys import MASK, mask_path, mask_query, mask_text, mask_uri
from voorproef.downloads.services import download_request_create
from voorproef.essays.models import EssayPage
from voorproef.privacy.models import AccessLink

from .keyed_routes import ESSAY, keyed_urls

BROWSER = "Kwartelkoning/9.7 (herkenbaar)"
REFERER = "https://elders.example/pagina?via=Doorverwijzer"


# -- the masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("keyed", keyed_urls(), ids=lambda keyed: keyed.route)
def test_every_address_with_a_key_is_logged_without_it(keyed: Any) -> None:
    path, _, query = keyed.url.partition("?")
    logged = mask_uri(unquote(path), query)
    assert MASK in logged
    for key in keyed.keys:
        assert key not in logged and key not in unquote(logged)


def test_the_masked_address_still_says_what_was_asked() -> None:
    assert mask_path("/download/Abc-123_x/pdf/") == "/download/[key]/pdf/"
    assert mask_path("/mijn-gegevens/Abc/reacties.csv") == "/mijn-gegevens/[key]/reacties.csv"
    assert mask_path("/admin/password_reset/confirm/MQ/set-password/") == (
        "/admin/password_reset/confirm/[key]/[key]/"
    )
    assert mask_path("//nieuwsbrief//afmelden/Abc") == "//nieuwsbrief//afmelden/[key]"
    assert mask_query("pagina=2&reactie=12%3A1u%3Asig&antwoord=7") == (
        "pagina=2&reactie=[key]&antwoord=7"
    )


@pytest.mark.parametrize(
    "path",
    [
        ESSAY,
        f"{ESSAY}download/verstuurd/",
        f"{ESSAY}reacties/2/",
        f"{ESSAY}reacties/12/bewerken/",
        "/mijn-gegevens/",
        "/mijn-gegevens/verstuurd/",
        "/mijn-gegevens/gewist/",
        "/admin/pages/3/edit/",
        "/healthz",
    ],
)
def test_addresses_without_a_key_are_logged_whole(path: str) -> None:
    assert mask_path(path) == path


def test_every_query_value_but_the_harmless_ones_is_masked() -> None:
    assert mask_query("pagina=2&antwoord=7&nieuw=1&gedaan=nieuwsbrief") == (
        "pagina=2&antwoord=7&nieuw=1&gedaan=nieuwsbrief"
    )
    assert mask_query("q=anna%40example.nl&p=2") == "q=[key]&p=[key]"  # an editor's search
    assert mask_query("Geheim") == "[key]"
    assert mask_query("reacti%65=12%3A1u%3Asig") == "reacti%65=[key]"  # Django reads `reactie`
    assert mask_query("pagin%61=2") == "pagin%61=2"


# -- the app's access log -------------------------------------------------------------------------


def _environ(**extra: str) -> dict[str, str]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/download/Geheim-Sleutel_1/pdf/",
        "QUERY_STRING": "nieuw=1&reactie=12%3A1u%3AHandtekening",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.77",
        "HTTP_USER_AGENT": BROWSER,
        "HTTP_REFERER": REFERER,
        "RAW_URI": "/download/Geheim-Sleutel_1/pdf/?nieuw=1&reactie=12%3A1u%3AHandtekening",
        **extra,
    }


def test_the_access_log_line_holds_the_network_the_masked_address_and_no_browser() -> None:
    line = access_line(_environ(), "200", 5120, 0.012)
    assert re.fullmatch(
        r'203\.0\.113\.0 \[[^]]+\] "GET /download/\[key\]/pdf/\?nieuw=1&reactie=\[key\] '
        r'HTTP/1\.1" 200 5120 12ms',
        line,
    ), line
    for secret in ["203.0.113.77", "Geheim", "Handtekening", "Kwartelkoning", "Doorverwijzer"]:
        assert secret not in line


class _Lines(logging.Handler):
    """What a logger wrote, formatted as its handler in settings.LOGGING does."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.logger = logging.getLogger(name)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def __enter__(self) -> _Lines:
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)


def _run(app: Any, environ: dict[str, Any]) -> tuple[bytes, list[str]]:
    """The app as the server runs it: called, its answer read and closed."""
    with _Lines("voorproef.access") as logged:
        body = AccessLog(app)(environ, lambda status, headers, exc_info=None: None)
        try:
            content = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
    return content, logged.lines


def test_an_app_that_fails_is_logged_as_the_500_the_server_answers(settings: Any) -> None:
    """Django answers its own errors; one that escapes it is the server's 500."""
    settings.BEHIND_PROXY = True

    def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("broken")

    environ = _environ(PATH_INFO="/mijn-gegevens/Geheim/", QUERY_STRING="",
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")  # fmt: skip
    with _Lines("voorproef.access") as logged, pytest.raises(RuntimeError):
        AccessLog(failing)(environ, lambda *args: None)
    (line,) = logged.lines
    assert line.startswith("198.51.100.0 ")
    assert re.search(r'"GET /mijn-gegevens/\[key\]/ HTTP/1\.1" 500 0 \d+ms$', line), line


def test_a_streamed_answer_is_logged_once_sent_with_what_was_sent() -> None:
    def streaming(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "application/pdf")])
        yield b"%PDF-" + b"x" * 995
        yield b"y" * 1000

    content, lines = _run(streaming, _environ())
    assert len(content) == 2000
    (line,) = lines
    assert '"GET /download/[key]/pdf/?nieuw=1&reactie=[key] HTTP/1.1" 200 2000 ' in line


def test_a_request_holds_nothing_of_the_servers_own_environment(monkeypatch: Any) -> None:
    """granian copies its process's environment into every request; Django would show it as
    request.META (a mail server's password in EMAIL_URL, say)."""
    monkeypatch.setenv("EMAIL_URL", "smtp://voorproef:Wachtwoord@mail.example.nl")
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        start_response("200 OK", [])
        return [b"ok"]

    environ = {**os.environ, **_environ(HTTP_X_FORWARDED_FOR="198.51.100.7")}
    assert _run(app, environ)[0] == b"ok"
    assert "EMAIL_URL" not in seen and "Wachtwoord" not in repr(seen)
    assert seen["HTTP_X_FORWARDED_FOR"] == "198.51.100.7"  # what the request itself brought
    assert seen["PATH_INFO"] == "/download/Geheim-Sleutel_1/pdf/"


def test_a_decoded_path_cannot_forge_a_second_line() -> None:
    line = access_line(_environ(PATH_INFO="/x\n203.0.113.1 - forged"), "200", 0, 0.001)
    assert "\n" not in line and "/x\\x0a203.0.113.1" in line


@pytest.mark.parametrize(
    ("behind_proxy", "peer", "forwarded", "network"),
    [
        (False, "203.0.113.77", None, "203.0.113.0"),
        (False, "127.0.0.1", "198.51.100.7", "127.0.0.0"),
        (True, "127.0.0.1", "198.51.100.7", "198.51.100.0"),
        (True, "127.0.0.1", "1.2.3.4, 2001:db8:7:8::1", "2001:db8:7::"),
        (False, "2001:db8:abcd:12ff::1", None, "2001:db8:abcd::"),  # a /48, not a /64
        (False, "::ffff:203.0.113.77", None, "203.0.113.0"),  # IPv4 on a dual-stack socket
        (True, "127.0.0.1", None, "127.0.0.0"),
        (True, "127.0.0.1", "onzin", "-"),
    ],
)
def test_the_log_shows_the_network_the_app_stores(
    behind_proxy: bool, peer: str, forwarded: str | None, network: str, settings: Any
) -> None:
    settings.BEHIND_PROXY = behind_proxy
    environ = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_network(environ) == network
    request = RequestFactory().get("/")
    request.META.update(environ)
    assert network == (ip_truncate(client_ip(request)) or "-")  # the rule the app stores by


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.255", "198.51.100.0"),
        ("0.0.0.0", "0.0.0.0"),  # noqa: S104 (an address to truncate, not one to bind)
        ("255.255.255.255", "255.255.255.0"),
        ("256.1.1.1", ""),
        ("198.51.100.07", ""),  # leading zeros: an octal address to some, refused by all here
        ("198.51.100", ""),
        ("198.51.100.7.1", ""),
        (" 198.51.100.7", ""),
        ("198.51.100.7\n", ""),
        ("\u0661\u0669\u0668.51.100.7", ""),  # digits, but not ASCII ones
        ("::ffff:198.51.100.7", "198.51.100.0"),
        ("2001:db8:abcd:12ff::1", "2001:db8:abcd::"),
    ],
)
def test_an_address_is_truncated_or_refused_as_an_address(address: str, network: str) -> None:
    assert ip_truncate(address) == network


# -- how the lines are written -------------------------------------------------------------------


class _Writes(io.StringIO):
    """A stream that keeps each write apart."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)


def _record(line: str) -> logging.LogRecord:
    return logging.LogRecord("voorproef.access", logging.INFO, __file__, 0, line, None, None)


def test_access_lines_go_out_in_blocks_of_whole_lines_that_a_pipe_takes_whole() -> None:
    # The server's processes share one stdout: a write of at most PIPE_BUF bytes is never
    # interleaved with another's, so no line is cut in two by another process's.
    stream = _Writes()
    handler = BlockHandler(stream)
    lines = [f"203.0.113.0 /pagina/{n}/{'é' * (n % 90)}" for n in range(300)]
    lines.insert(150, "/lang/" + "x" * 5000)  # longer than a block: on its own
    for line in lines:
        handler.handle(_record(line))
    handler.flush()
    assert "".join(stream.writes) == "".join(f"{line}\n" for line in lines)
    assert 5 < len(stream.writes) < len(lines) / 10  # blocks, not a write per line
    for text in stream.writes:
        assert text.endswith("\n")
        assert len(text.encode()) <= 4096 or text.count("\n") == 1


def test_an_access_line_is_written_within_a_second_on_a_quiet_site() -> None:
    stream = _Writes()
    handler = BlockHandler(stream)
    handler.handle(_record("203.0.113.0 GET /nieuw-publiek-werken/"))
    assert not stream.writes  # held for the next ones
    assert wait_for(lambda: bool(stream.writes), timeout=3)  # no other line came
    assert stream.writes == ["203.0.113.0 GET /nieuw-publiek-werken/\n"]


def test_the_access_lines_still_held_are_written_when_the_process_ends() -> None:
    script = "\n".join([
        "import django; django.setup()",
        "from voorproef.core.access_log import AccessLog",
        "environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/laatste/',"
        " 'REMOTE_ADDR': '203.0.113.9', 'SERVER_PROTOCOL': 'HTTP/1.1'}",
        "app = lambda environ, start: start('200 OK', []) or [b'ok']",
        "body = AccessLog(app)(environ, lambda *args: None)",
        "list(body); body.close()",
    ])  # fmt: skip
    ended = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "voorproef.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(
        r'203\.0\.113\.0 \[[^]]+\] "GET /laatste/ HTTP/1\.1" 200 2 \d+ms\n', ended.stdout
    )


# -- error logs -----------------------------------------------------------------------------------


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(KeyMaskFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.mark.django_db
def test_djangos_not_found_warning_names_no_key(client: Client) -> None:
    # The site's own log handler (settings.LOGGING), as it writes to journald.
    (site_log,) = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
        and any(isinstance(f, KeyMaskFilter) for f in handler.filters)
    ]
    out = io.StringIO()
    before = site_log.setStream(out)
    try:
        assert client.get("/download/Geheim-Sleutel_1/pdf/").status_code == 404
    finally:
        site_log.setStream(before)
    assert "Not Found: /download/[key]/pdf/" in out.getvalue()
    assert "Geheim" not in out.getvalue()


def test_the_servers_own_log_names_no_key_and_no_address() -> None:
    """granian's messages (an app that raised past Django, say) go through the same filter."""
    configure_logging(LogLevels.info, server._logging())  # as granian applies it
    logger = logging.getLogger("_granian")
    (handler,) = logger.handlers
    out = io.StringIO()
    handler.setStream(out)  # type: ignore[attr-defined]
    try:
        try:
            raise ValueError("no comment for /nieuw-publiek-werken/?reactie=12:1u:Handtekening")
        except ValueError:
            logger.exception("Error handling request %s %s", "GET", "/mijn-gegevens/Geheim/")
        logger.warning("refused for anna.de-boer@example.nl")
        logger.warning("Invalid request from ip=203.0.113.77: bad request line")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "Error handling request GET /mijn-gegevens/[key]/" in text
    assert "?reactie=[key]" in text and "Traceback" in text
    assert "refused for [address]" in text
    assert "from ip=203.0.113.0: bad request line" in text
    for secret in ["Geheim", "Handtekening", "anna.de-boer", "203.0.113.77"]:
        assert secret not in text


def test_a_url_in_a_message_is_masked_and_a_file_path_is_not() -> None:
    assert mask_text("sent https://voorproef.example.nl/download/Geheim/ to anna") == (
        "sent https://voorproef.example.nl/download/[key]/ to anna"
    )
    assert mask_text("Not Found: /d%6Fwnload/Geheim/") == "Not Found: /download/[key]/"
    trace = "".join(traceback.format_stack(limit=1))
    assert mask_text(trace) == trace


# -- the app server as every node runs it ----------------------------------------------------------


@pytest.fixture
def _static_collected() -> None:
    """Pages with DEBUG off need the static files' manifest, as `manage.py run --production`
    makes it: collected afresh each time, as that command does, so a manifest an earlier run
    left behind never lacks a file added since."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "DEBUG": "0"}, check=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_static_collected")
def test_the_server_logs_personal_links_without_key_address_or_browser(
    essay: EssayPage, tmp_path: Path
) -> None:
    _, download = download_request_create(
        essay=essay,
        name="Anna",
        email="anna@example.nl",
        newsletter=False,
        ip_network="203.0.113.0",
        user_agent=BROWSER,
    )
    mine = "Mijn-Gegevens-Sleutel_42"
    AccessLink.objects.create(
        email="anna@example.nl",
        token_hash=hashlib.sha256(mine.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    commenter = "12%3A1uGeheim%3AHandtekening"
    port = free_port()
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "voorproef.server", f"--bind=127.0.0.1:{port}", "--workers=1"]
    server = process_start(command, process_env(free_port(), BEHIND_PROXY="1"), log)
    base = f"http://127.0.0.1:{port}"
    headers = {
        "User-Agent": BROWSER,
        "Referer": REFERER,
        "X-Forwarded-For": "198.51.100.7, 203.0.113.77",  # as nginx appends the reader's
        "X-Forwarded-Proto": "https",
    }
    logged = ["/download/[key]/", "/mijn-gegevens/[key]/", f"{ESSAY}?reactie=[key]&pagina=1"]
    try:
        assert wait_for(lambda: _up(base), timeout=60)
        answers = [
            requests.get(base + url, headers=headers, timeout=10, allow_redirects=False)
            for url in [f"/download/{download}/", f"/mijn-gegevens/{mine}/",
                        f"{ESSAY}?reactie={commenter}&pagina=1"]
        ]  # fmt: skip
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert wait_for(lambda: f"GET {logged[-1]} " in log.read_text(), timeout=10)
    finally:
        processes_stop([server], [log])
    text = log.read_text()
    lines = [line for line in text.splitlines() if '"GET /' in line and "healthz" not in line]
    pattern = r'203\.0\.113\.0 \[[^]]+\] "GET {} HTTP/1\.1" 200 \d+ \d+ms'
    for line, address in zip(lines, logged, strict=True):
        assert re.fullmatch(pattern.format(re.escape(address)), line), line
    for secret in [download, mine, "1uGeheim", "Handtekening", "203.0.113.77", "198.51.100",
                   "Kwartelkoning", "Doorverwijzer"]:  # fmt: skip
        assert secret not in text


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_static_collected")
def test_the_servers_last_lines_are_written_when_it_stops(essay: EssayPage, tmp_path: Path) -> None:
    # Lines wait up to a second to be written with others; a deploy stops the server sooner.
    port = free_port()
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "voorproef.server", f"--bind=127.0.0.1:{port}", "--workers=1"]
    server = process_start(command, process_env(free_port()), log)
    try:
        assert wait_for(lambda: _up(f"http://127.0.0.1:{port}"), timeout=60)
        assert requests.get(f"http://127.0.0.1:{port}{ESSAY}", timeout=10).status_code == 200
    finally:
        processes_stop([server], [log])  # at once
    assert f'"GET {ESSAY} HTTP/1.1" 200 ' in log.read_text()


def _up(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_a_mail_servers_refusal_is_logged_without_the_address() -> None:
    kept = _Kept()
    log = logging.getLogger("voorproef.mail.services")
    log.addHandler(kept)
    try:
        error = (
            "SMTPRecipientsRefused: {'anna.de-boer@example.nl': "
            "(550, b'<anna.de-boer@example.nl>: no such user')}"
        )
        log.error("mail %s failed for good after %s attempts: %s", 7, 1, error)
    finally:
        log.removeHandler(kept)
    assert kept.lines == [
        "mail 7 failed for good after 1 attempts: SMTPRecipientsRefused: "
        "{'[address]': (550, b'<[address]>: no such user')}"
    ]
