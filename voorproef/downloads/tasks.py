from __future__ import annotations

from django_tasks import task
from wagtail.models import Page

from .models import EssayPdf
from .pages import DownloadGateMixin, gate_page_models
from .services import essay_pdf_refresh


@task()
def essay_pdf_refresh_task(essay_id: int) -> None:
    essay = Page.objects.live().filter(pk=essay_id).specific().first()
    if isinstance(essay, DownloadGateMixin):
        essay_pdf_refresh(essay=essay)


def essay_pdfs_missing() -> list[int]:
    """Live gated pages whose PDF is missing or older than their live revision."""
    current = {pdf.essay_id: pdf.revision_id for pdf in EssayPdf.objects.exclude(file="")}
    return [
        essay_id
        for model in gate_page_models()
        for essay_id, revision_id in model.objects.live()
        .filter(pdf_document__isnull=True)
        .values_list("pk", "live_revision_id")
        if current.get(essay_id) != revision_id
    ]


def essay_pdfs_queue_missing() -> None:
    """Normally each PDF is rendered when its page is published; this catches what a lost job
    left out (a periodic job)."""
    for essay_id in essay_pdfs_missing():
        essay_pdf_refresh_task.enqueue(essay_id)
