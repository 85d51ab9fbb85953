"""How a task worker is started, for the configured backend (TASKS_BACKEND)."""

from __future__ import annotations

from django.conf import settings


def worker_command(*, reload: bool = False, poll_seconds: float | None = None) -> list[str]:
    """The manage.py command (without `manage.py`) that runs a worker for every queue;
    `reload` restarts a database worker when the code changes (development)."""
    if settings.TASKS_BACKEND == "rq":
        # --with-scheduler: tasks to run later (a mail's next attempt) wait in RQ's scheduler.
        return ["rqworker", "default", "--with-scheduler"]
    command = ["db_worker", "--queue-name=*"] + ([] if reload else ["--no-reload"])
    if poll_seconds is not None:
        command += [f"--interval={poll_seconds}", "--no-startup-delay"]
    return command
