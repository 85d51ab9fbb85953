from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.signals import page_published

from .models import PrivacyPage
from .services import privacy_page_ensure


def _home_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A new site gets its privacy statement with its first home page, demo or not.
    if isinstance(instance, tuple(PrivacyPage.allowed_parent_page_models())):
        transaction.on_commit(privacy_page_ensure)


def connect() -> None:
    page_published.connect(_home_published, dispatch_uid="privacy-home-published")
