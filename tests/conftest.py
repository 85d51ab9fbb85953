"""Shared fixtures. Every test database starts with the demo essay, loaded once per session."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import Client, override_settings
from wagtail.models import Page

from voorproef.core.pagecache import page_cache_generation_forget
from voorproef.core.routing import routes_forget
from voorproef.core.workers import worker_command
from voorproef.downloads.models import private_storage
from voorproef.downloads.services import essay_pdf_refresh
from voorproef.essays.demo.loader import SLUG, demo_load
from voorproef.essays.models import EssayPage
from voorproef.stats.services import page_paths_forget
from voorproef.webhooks.services import active_webhooks_forget

from .support import process_env, process_start, processes_stop


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media, PRIVATE_ROOT=tmp_path_factory.mktemp("private")):
        yield media


@pytest.fixture(scope="session", autouse=True)
def _empty_task_queue() -> None:
    """Jobs an earlier run left on RQ's queue in Redis name rows of another database."""
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        queue.empty()
        for job_id in queue.scheduled_job_registry.get_job_ids():
            queue.scheduled_job_registry.remove(job_id, delete_job=True)


_DEMO_SNAPSHOT: list[str] = []
# The demo essay's PDF as the snapshot names it: a test that publishes a new revision for real
# (a worker, a live server) renders another and deletes this one when it commits.
_DEMO_PDF: list[tuple[str, bytes]] = []


@pytest.fixture(scope="session")
def django_db_setup(_media_root: Path, django_db_setup: Any, django_db_blocker: Any) -> None:
    cache.clear()  # a cache left by an earlier run knows renditions of other media folders
    with django_db_blocker.unblock():
        essay = demo_load()
        assert essay is not None
        pdf = essay_pdf_refresh(essay=essay)
        assert pdf is not None
        with pdf.file.open("rb") as file:
            _DEMO_PDF.append((pdf.file.name, file.read()))
        # Content types first: Wagtail builds a page's own row (HomePage, EssayPage) by looking
        # its content type up, and creates one when the snapshot's are not back yet, taking
        # the number of another.
        rows = json.loads(connection.creation.serialize_db_to_string())
        rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
        _DEMO_SNAPSHOT.append(json.dumps(rows))


@pytest.fixture(autouse=True)
def _fresh_state(request: pytest.FixtureRequest) -> None:
    # Tests that commit (live server, browser) leave an empty database behind them; the next
    # one gets the demo back from the snapshot taken when it was first loaded.
    marker = request.node.get_closest_marker("django_db")
    if (
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    ):
        request.getfixturevalue("transactional_db")
        if not EssayPage.objects.exists():
            # The flush re-created content types and permissions; the snapshot holds its own.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(_DEMO_SNAPSHOT[0])
            # The rows came back with their ids; PostgreSQL's sequences must move past them.
            with connection.cursor() as cursor:
                tables = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
                for sql in connection.ops.sequence_reset_sql(no_style(), tables):
                    cursor.execute(sql)
            name, data = _DEMO_PDF[0]
            if not private_storage().exists(name):
                private_storage().save(name, ContentFile(data))
    # Every test starts with an empty cache, after the database is what it should be.
    cache.clear()
    page_cache_generation_forget()
    routes_forget()
    page_paths_forget()
    active_webhooks_forget()


@pytest.fixture
def essay(db: None) -> EssayPage:
    return EssayPage.objects.get(slug=SLUG)


@pytest.fixture
def publish(django_capture_on_commit_callbacks: Any) -> Callable[[Page], None]:
    """Publish a page's current state as an editor does: in a transaction that commits."""

    def _publish(page: Page) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()

    return _publish


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs what a block schedules for after the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editor(db: None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("editor", "editor@example.nl", "pw")


@pytest.fixture
def editor_client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[int], subprocess.Popen[bytes]]]:
    """Start `db_worker` processes on the test database, mailing through the given port."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(smtp_port: int) -> subprocess.Popen[bytes]:
        env = process_env(smtp_port, MAIL_RETRY_SECONDS="1,1,1,1,1,1,1,1")
        log = tmp_path / f"worker-{len(processes)}.log"
        process = process_start(
            [sys.executable, "manage.py", *worker_command(poll_seconds=0.2)], env, log
        )
        processes.append(process)
        return process

    yield start
    processes_stop(processes, tmp_path.glob("worker-*.log"))
