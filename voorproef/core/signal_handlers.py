from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .pagecache import page_cache_purge


def _purge(sender: Any, **kwargs: Any) -> None:
    name = getattr(sender, "__name__", str(sender))
    # After the commit: a reader must not get the old page cached again from a request that
    # raced the transaction.
    transaction.on_commit(lambda: page_cache_purge(reason=f"{name} changed"))


def connect() -> None:
    from .models import SiteSettings

    page_published.connect(_purge, dispatch_uid="pagecache-published")
    page_unpublished.connect(_purge, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(_purge, dispatch_uid="pagecache-moved")
    post_delete.connect(_purge, sender=Page, dispatch_uid="pagecache-page-deleted")
    for model in (Site, PageViewRestriction, SiteSettings):
        post_save.connect(_purge, sender=model, dispatch_uid=f"pagecache-{model.__name__}-saved")
        post_delete.connect(
            _purge, sender=model, dispatch_uid=f"pagecache-{model.__name__}-deleted"
        )
