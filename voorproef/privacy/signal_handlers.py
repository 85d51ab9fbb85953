from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.signals import page_published


def _home_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A new site gets its privacy statement with its first home page, demo or not.
    from .services import privacy_page_ensure

    transaction.on_commit(privacy_page_ensure)


def connect() -> None:
    from voorproef.essays.models import HomePage

    page_published.connect(_home_published, sender=HomePage, dispatch_uid="privacy-home-published")
