from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.signals import page_published


def _essay_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .tasks import essay_pdf_refresh_task

    essay_id = instance.pk
    transaction.on_commit(lambda: essay_pdf_refresh_task.enqueue(essay_id))


def connect() -> None:
    from voorproef.essays.models import EssayPage

    page_published.connect(_essay_published, sender=EssayPage, dispatch_uid="essay-pdf-render")
