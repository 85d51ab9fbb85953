from __future__ import annotations

from django_tasks import task

from .services import essay_pdf_refresh


@task()
def essay_pdf_refresh_task(essay_id: int) -> None:
    from voorproef.essays.models import EssayPage

    essay = EssayPage.objects.live().filter(pk=essay_id).first()
    if essay is not None:
        essay_pdf_refresh(essay=essay)
