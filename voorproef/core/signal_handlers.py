from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import PublicSettings, public_settings_forget
from .pagecache import page_cache_purge


def _purge(sender: Any, **kwargs: Any) -> None:
    name = getattr(sender, "__name__", str(sender))
    # After the commit: a reader must not get the old page cached again from a request that
    # raced the transaction.
    transaction.on_commit(lambda: page_cache_purge(reason=f"{name} changed"))


def _public_setting_changed(sender: Any, **kwargs: Any) -> None:
    # This process reads the new values at once; the others when the purge reaches them.
    public_settings_forget(sender)
    _purge(sender)


def connect() -> None:
    page_published.connect(_purge, dispatch_uid="pagecache-published")
    page_unpublished.connect(_purge, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(_purge, dispatch_uid="pagecache-moved")
    post_delete.connect(_purge, sender=Page, dispatch_uid="pagecache-page-deleted")
    for model in (Site, PageViewRestriction):
        post_save.connect(_purge, sender=model, dispatch_uid=f"pagecache-{model.__name__}-saved")
        post_delete.connect(
            _purge, sender=model, dispatch_uid=f"pagecache-{model.__name__}-deleted"
        )
    # The site's own settings and every app's (the comment rules): those of any room.
    for model in apps.get_models():
        if issubclass(model, PublicSettings):
            uid = f"pagecache-{model.__name__}"
            post_save.connect(_public_setting_changed, sender=model, dispatch_uid=f"{uid}-saved")
            post_delete.connect(
                _public_setting_changed, sender=model, dispatch_uid=f"{uid}-deleted"
            )
