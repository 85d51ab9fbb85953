"""Periodic work. Each app registers its own jobs in its `AppConfig.ready()`; `manage.py
scheduler` runs every registered job once a round, or less often when the job asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], object]
    every: float = 0.0  # seconds between two runs; 0: every round of the scheduler


_JOBS: dict[str, PeriodicJob] = {}


def periodic_job(name: str, run: Callable[[], object], *, every: float = 0.0) -> None:
    """Register a job under a name (registering the name again replaces it)."""
    _JOBS[name] = PeriodicJob(name, run, every)


def periodic_jobs() -> list[PeriodicJob]:
    return list(_JOBS.values())
