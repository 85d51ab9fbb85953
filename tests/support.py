"""The real parts tests talk to: an SMTP server that keeps what it receives, and helpers to
post the public forms as a browser would and to wait for a worker."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import signing
from django.db import connection

if TYPE_CHECKING:
    from voorproef.mail.models import OutgoingMail


def form_token(age: float = 10) -> str:
    """A form token as a page shown `age` seconds ago carries it."""
    return signing.dumps(int(time.time() - age), salt="voorproef.form-token", compress=False)


_FORM_TOKEN_SHOWN = re.compile(rb'name="form_token" value="[^"]*"')


def without_form_token(page: bytes) -> bytes:
    """A page with its form token blanked: the token holds the second the page was served, so
    two servings of the same page differ in it when a second passes between them."""
    return _FORM_TOKEN_SHOWN.sub(b'name="form_token" value=""', page)


def mail_subject(message: EmailMessage) -> str:
    """The subject as a mail client shows it: Django folds long encoded subjects onto a
    continuation line, which leaves a leading space after unfolding."""
    return " ".join(str(message["Subject"]).split())


def mail_text(message: EmailMessage) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def mail_html(message: EmailMessage) -> str:
    return str(message.get_body(("html",)).get_content())  # type: ignore[union-attr]


def export_rows(response: Any) -> list[list[str]]:
    """An admin's CSV export as Excel reads it: UTF-8 after its byte-order mark, separated by
    semicolons on a Dutch site."""
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    delimiter = ";" if settings.LANGUAGE_CODE.startswith("nl") else ","
    return list(csv.reader(io.StringIO(body[1:]), delimiter=delimiter))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An SMTP server on this machine that keeps every message it is handed."""

    def __init__(self, port: int, *, smtputf8: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self.controller = Controller(
            self, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8
        )

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append(envelope)
        return "250 OK"

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


ROOT = Path(__file__).resolve().parents[1]
# The suite's own database and task backend, and the browser tests' switch: a process that
# sets up a site of its own (a fresh start, a settings check) must not inherit them.
SUITE_ONLY_ENV = frozenset(
    {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "TASKS_REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
)


def process_start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A process a test runs from the project's folder, its output going to `log`."""
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def processes_stop(processes: Iterable[subprocess.Popen[bytes]], logs: Iterable[Path]) -> None:
    """Stop them as systemd does (SIGTERM, then wait), and print the end of their logs: pytest
    shows that when the test failed."""
    for process in processes:
        process.terminate()
        process.wait(timeout=20)
    for log in sorted(logs):
        tail = log.read_text(errors="replace").splitlines()[-60:]
        sys.stdout.write("\n".join([f"--- {log.name} (last {len(tail)} lines)", *tail, ""]))


def process_env(smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment of a process a test starts (a worker, an app node): this test's
    database, media and private files, mailing to the test's SMTP server, DEBUG off."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url(),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_ROOT=str(settings.PRIVATE_ROOT),
        DEBUG="0",
        **extra,
    )
    return env


def migrate_to(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate the test database to these nodes (the latest without them); the apps (models)
    of the state reached, as a migration test fills the database the way that version did."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def written(mail: OutgoingMail) -> OutgoingMail:
    """The mail with its texts as the worker writes them right before it sends it: a download
    mail is stored with the reader's links and written then, not in the reader's request."""
    from voorproef.mail.services import mail_write

    mail_write(mail)
    return mail
