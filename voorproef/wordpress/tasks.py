from __future__ import annotations

from django_tasks import task

from .runs import import_run_execute


@task()
def wordpress_import_task(run_id: int) -> None:
    import_run_execute(run_id=run_id)
