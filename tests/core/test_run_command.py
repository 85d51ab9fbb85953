"""`make run` and `make serve` as a newcomer and an operator use them: real processes, real HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT, SUITE_ONLY_ENV


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class Site:
    def __init__(self, var_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = var_dir / f"run-{self.port}.log"
        full_env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY_ENV}
        full_env.update({"VAR_DIR": str(var_dir), "PORT": str(self.port), **(env or {})})
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "run", *args],
                cwd=ROOT,
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if _get(f"{self.url}/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"the site did not come up:\n{self.output()}")

    def wait_for_output(self, text: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline or self.process.poll() is not None:
                return False
            time.sleep(0.5)
        return True

    def output(self) -> str:
        return self.log.read_text()

    def group_alive(self) -> bool:
        """Whether a process of the site's group still runs. One that has ended but was not
        reaped (a zombie) does not count: stopped during its start, the task worker or the
        scheduler may leave a program it ran (WeasyPrint looks for its libraries with gcc) to
        PID 1, which in a container need not reap it."""
        result = subprocess.run(
            ["ps", "-o", "stat=", "-g", str(self.process.pid)], capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        return any(not state.startswith("Z") for state in result.stdout.split())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def sites() -> Iterator[list[Site]]:
    started: list[Site] = []
    yield started
    for site in started:
        site.stop()


def test_run_prepares_an_empty_site_serves_it_and_stops_on_ctrl_c(
    tmp_path: Path, sites: list[Site]
) -> None:
    site = Site(tmp_path)
    sites.append(site)
    site.wait_until_up()

    status, html, headers = _get(f"{site.url}/")
    assert status == 200
    assert 'href="/nieuw-publiek-werken/"' in html
    assert "Set-Cookie" not in headers
    status, html, _ = _get(f"{site.url}/nieuw-publiek-werken/")
    assert status == 200
    assert "Ervaring 3" in html
    assert _get(f"{site.url}/static/core/js/forms.js")[0] == 200
    # One line in the log for each request, a static file's too. Each is written once the
    # response has gone out: the first awaited, then a moment for a second one.
    for path in ("/nieuw-publiek-werken/", "/static/core/js/forms.js"):
        assert site.wait_for_output(f'"GET {path} '), site.output()
    time.sleep(0.5)
    output = site.output()
    for path in ("/nieuw-publiek-werken/", "/static/core/js/forms.js"):
        lines = [line for line in output.splitlines() if f'"GET {path} ' in line]
        assert len(lines) == 1, f"one line for one request of {path}:\n" + "\n".join(lines)
    assert re.search(r"user name: redactie\n\s+password:\s+\S{12,}", output), output
    assert site.wait_for_output("Starting worker"), "the task worker runs"

    os.killpg(site.process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    assert site.process.wait(timeout=30) == 0
    time.sleep(0.5)
    assert not site.group_alive(), "every process stopped"

    # A second start keeps the site as it is and prints no new password.
    again = Site(tmp_path)
    sites.append(again)
    again.wait_until_up()
    assert "password:" not in again.output()
    os.killpg(again.process.pid, signal.SIGINT)
    assert again.process.wait(timeout=30) == 0


def test_production_mode_serves_compressed_static_files_and_stops_on_sigterm(
    tmp_path: Path, sites: list[Site]
) -> None:
    site = Site(tmp_path, "--production", env={"DEBUG": "0"})
    sites.append(site)
    site.wait_until_up()

    status, html, _ = _get(f"{site.url}/nieuw-publiek-werken/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/core/css/site\.[0-9a-f]+\.css)"', html)
    assert stylesheet, "static files carry a content hash in production"
    request = urllib.request.Request(  # noqa: S310
        f"{site.url}{stylesheet.group(1)}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
    status, html, _ = _get(f"{site.url}/bestaat-niet/")
    assert status == 404
    assert "Deze pagina bestaat niet (meer)" in html
    assert "granian" in site.output().lower()
    # Readers first: background work yields the CPU to the web app in a spike.
    priorities = _priorities(site.process.pid)
    assert priorities["voorproef.server"] == {0}
    assert priorities["db_worker"] == priorities["scheduler"] == {10}

    site.process.send_signal(signal.SIGTERM)  # what systemd does: only the main process
    assert site.process.wait(timeout=30) == 0
    time.sleep(0.5)
    assert not site.group_alive(), "every process stopped"


def _priorities(group: int) -> dict[str, set[int]]:
    """The nice values of the processes in a process group, by what they run."""
    found: dict[str, set[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            priority = os.getpriority(os.PRIO_PROCESS, int(entry.name))
        except (ProcessLookupError, FileNotFoundError):
            continue
        for name in ("voorproef.server", "db_worker", "scheduler"):
            if name in command:
                found.setdefault(name, set()).add(priority)
    return found
