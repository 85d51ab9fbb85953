from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from voorproef.core.services import editor_create_if_none
from voorproef.core.workers import worker_command


class Command(BaseCommand):
    help = (
        "Prepare the site (migrate, demo essay on an empty site, first editor) and run the web "
        "server, the task worker and the scheduler together until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--production",
            action="store_true",
            help="the production server (voorproef/server.py): several processes, no reload",
        )
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args: Any, production: bool, host: str, port: int, **options: Any) -> None:
        if production and settings.DEBUG:
            raise CommandError("Production mode needs DEBUG=0.")
        self._prepare(production)
        processes = self._start(self._commands(production, host, port))
        self.stdout.write(self.style.SUCCESS(f"Voorproef runs at {settings.SITE_URL}/"))
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/   Stop with Ctrl-C.")
        sys.exit(self._supervise(processes))

    def _prepare(self, production: bool) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if production:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_demo", if_empty=True)
        if credentials := editor_create_if_none():
            username, password = credentials
            self.stdout.write(
                self.style.WARNING(
                    "An editor account was created. Note the password: it is shown only once.\n"
                    f"    user name: {username}\n    password:  {password}"
                )
            )

    def _commands(self, production: bool, host: str, port: int) -> dict[str, list[str]]:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if production:
            web = [sys.executable, "-m", "voorproef.server", f"--bind={host}:{port}"]
        else:
            web = [*manage, "runserver", f"{host}:{port}"]
        worker = [*manage, *worker_command(reload=not production)]
        return {"web": web, "worker": worker, "scheduler": [*manage, "scheduler"]}

    def _start(self, commands: dict[str, list[str]]) -> dict[str, subprocess.Popen[bytes]]:
        # Readers first: the worker and the scheduler run at a lower priority (nice 10), so in
        # a spike they take what CPU the web app leaves and catch up after it.
        return {
            name: subprocess.Popen(command, preexec_fn=None if name == "web" else _background)  # noqa: S603
            for name, command in commands.items()
        }

    def _supervise(self, processes: dict[str, subprocess.Popen[bytes]]) -> int:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                if (code := process.poll()) is not None:
                    self.stderr.write(f"{name} stopped (exit code {code}); stopping the others.")
                    exit_code, stopping = code or 1, True
                    break
            time.sleep(0.2)

        # A Ctrl-C reaches every process of the terminal; a SIGTERM (systemd) only this one.
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        return exit_code


def _background() -> None:
    os.nice(10)
