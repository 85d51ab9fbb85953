from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.signals import page_published

from .pages import DownloadGateMixin
from .tasks import essay_pdf_refresh_task


def _essay_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, DownloadGateMixin):
        return
    essay_id = instance.pk
    transaction.on_commit(lambda: essay_pdf_refresh_task.enqueue(essay_id))


def connect() -> None:
    page_published.connect(_essay_published, dispatch_uid="essay-pdf-render")
