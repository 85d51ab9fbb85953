from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from voorproef.core.pagecache import page_cache_purge


def _message_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Only what readers can see: a published experience, or one that just stopped being so.
    if instance.published or instance.was_published:
        transaction.on_commit(
            lambda: page_cache_purge(reason="reader's experience changed", pages=False)
        )
    instance._published_loaded = instance.published


def connect() -> None:
    from .models import ReaderMessage

    post_save.connect(_message_changed, sender=ReaderMessage, dispatch_uid="inbox-message-saved")
    post_delete.connect(
        _message_changed, sender=ReaderMessage, dispatch_uid="inbox-message-deleted"
    )
