"""Imports started from the admin: their files wait in a private folder, the work runs as a
background task that writes its progress to the run's row, and the report stays with it."""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImportRun
from .services import ImportFailed, wordpress_import

logger = logging.getLogger(__name__)

EXPORT_NAME = "export.xml"
UPLOADS_NAME = "uploads.zip"
KEEP_FILES = timedelta(days=2)


def run_folder(run: ImportRun) -> Path:
    return Path(settings.PRIVATE_ROOT) / "wordpress" / run.folder


def _save(source: IO[bytes], target: Path) -> None:
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, length=1024 * 1024)


def import_run_create(
    *,
    user: Any,
    export: Any,
    uploads: Any | None,
    parent: Any,
    include_spam: bool,
    include_pings: bool,
) -> ImportRun:
    """Keep the uploaded files (in the private folder, for they hold commenters' addresses)
    and queue the dry run."""
    run = ImportRun(
        created_by=user,
        folder=uuid.uuid4().hex,
        export_name=str(export.name)[:255],
        uploads_name=str(uploads.name)[:255] if uploads else "",
        parent=parent,
        include_spam=include_spam,
        include_pings=include_pings,
        dry_run=True,
    )
    folder = run_folder(run)
    folder.mkdir(parents=True)
    _save(export, folder / EXPORT_NAME)
    if uploads:
        _save(uploads, folder / UPLOADS_NAME)
    run.save()
    _enqueue(run)
    return run


def import_run_confirm(*, run: ImportRun, user: Any) -> ImportRun:
    """The import itself, after its dry run: the same files and options."""
    real = ImportRun.objects.create(
        created_by=user,
        folder=run.folder,
        export_name=run.export_name,
        uploads_name=run.uploads_name,
        parent=run.parent,
        include_spam=run.include_spam,
        include_pings=run.include_pings,
        dry_run=False,
    )
    _enqueue(real)
    return real


def _enqueue(run: ImportRun) -> None:
    from .tasks import wordpress_import_task

    run_id = run.pk
    transaction.on_commit(lambda: wordpress_import_task.enqueue(run_id))


class _Progress:
    """Writes the run's progress to its row, at most twice a second."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        ImportRun.objects.filter(pk=self.run_id).update(phase=phase, done=done, total=total)


def import_run_execute(*, run_id: int) -> None:
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    if not claimed:
        return  # done already, or running elsewhere: a job delivered twice does nothing
    run = ImportRun.objects.select_related("parent").get(pk=run_id)
    folder = run_folder(run)
    uploads = folder / UPLOADS_NAME
    status, report, error = ImportRun.Status.DONE, None, ""
    try:
        result = wordpress_import(
            export=folder / EXPORT_NAME,
            uploads=uploads if uploads.exists() else None,
            parent=run.parent,
            dry_run=run.dry_run,
            include_spam=run.include_spam,
            include_pings=run.include_pings,
            progress=_Progress(run.pk),
        )
        report = result.as_dict()
    except ImportFailed as failure:
        status, error = ImportRun.Status.FAILED, str(failure)
    except Exception as failure:
        logger.exception("WordPress import %s failed", run_id)
        status = ImportRun.Status.FAILED
        error = _("The import stopped on an error: %s") % failure
    ImportRun.objects.filter(pk=run_id).update(
        status=status, report=report, error=error, finished_at=timezone.now()
    )
    if not run.dry_run:
        shutil.rmtree(folder, ignore_errors=True)


def import_files_purge() -> int:
    """Uploaded exports hold commenters' addresses: gone two days after their last run."""
    cutoff = timezone.now() - KEEP_FILES
    removed = 0
    for folder in set(
        ImportRun.objects.filter(created_at__lt=cutoff).values_list("folder", flat=True)
    ):
        if ImportRun.objects.filter(folder=folder, created_at__gte=cutoff).exists():
            continue
        path = Path(settings.PRIVATE_ROOT) / "wordpress" / folder
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
