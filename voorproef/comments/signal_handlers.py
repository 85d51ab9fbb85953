from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from voorproef.core.pagecache import page_cache_purge

if TYPE_CHECKING:
    from .models import Comment


def _approved(comment: Comment, *, automatic: bool) -> None:
    from .models import Comment
    from .services import comment_approved

    # Still shown once committed? A later save in the same transaction, through another copy
    # of the row, may have held it again: the database is asked, which is cheaper than reading
    # the row again. The essay and the parent are read only when needed (a mail, a reply).
    if Comment.objects.approved_exists(comment.pk):
        comment_approved(comment, automatic=automatic)


def _comment_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    from .models import Comment

    approved = Comment.Status.APPROVED
    before = instance.status_loaded
    if instance.status == approved and (created or before != approved):
        # However it got there (the checks, a mail link, the admin), once committed.
        # Automatic: no moderator has seen it (an editors' reply is their own).
        automatic = created and not instance.by_editors
        transaction.on_commit(lambda: _approved(instance, automatic=automatic))
    if approved in {instance.status, before}:
        transaction.on_commit(lambda: page_cache_purge(reason="comments changed", pages=False))
    instance._status_loaded = instance.status


def _comment_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .models import Comment

    if Comment.Status.APPROVED in {instance.status, instance.status_loaded}:
        transaction.on_commit(lambda: page_cache_purge(reason="comments changed", pages=False))


def connect() -> None:
    from .models import Comment

    post_save.connect(_comment_saved, sender=Comment, dispatch_uid="comments-saved")
    post_delete.connect(_comment_deleted, sender=Comment, dispatch_uid="comments-deleted")
