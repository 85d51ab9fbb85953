"""What the essay page shows of its discussion."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest
from django.utils.functional import SimpleLazyObject

from voorproef.core.pagecache import page_fragment_key

from . import services
from .forms import CommentForm
from .models import Comment, CommentSettings
from .params import AUTHOR_KEY_PARAM, REPLY_TO_PARAM

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage


def _preview(essay: FeaturePage, key: str) -> Comment | None:
    """The comment whose key is in the address: shown to its author while it is held."""
    pk = key.split(":", 1)[0]
    if not re.fullmatch(r"[0-9]{1,18}", pk):
        return None
    comment = essay.comments.filter(pk=int(pk)).first()
    if comment is None or not services.author_key_check(comment, key):
        return None
    return comment


def discussion_context(
    essay: FeaturePage, request: HttpRequest, *, page: int | None
) -> dict[str, Any]:
    """The discussion on this page of comments; with no page named (the essay's own address),
    the first, or the one that holds the comment of the author whose key is in the address
    (where posting and editing lead them)."""
    site = CommentSettings.load()
    key = request.GET.get(AUTHOR_KEY_PARAM, "")
    preview = _preview(essay, key) if key else None
    threads = services.comment_threads(essay, preview=preview)
    paginator: Paginator[Any] = Paginator(threads.roots, site.per_page)
    if page is None:
        position = services.thread_position(threads, preview.pk) if preview is not None else None
        page = 1 if position is None else position // site.per_page + 1
    if page > paginator.num_pages:
        raise Http404
    # The page of thread starters, then those threads in full: one page's comments are read,
    # and only when the list is rendered, not when it comes from the fragment cache.
    starters = paginator.page(page)

    def shown() -> Page[Any]:
        return Page(services.thread_nodes(threads, list(starters)), starters.number, paginator)

    open_ = services.comments_open(essay, site)
    # The rendered list is kept until the public pages next change (the page cache's
    # generation, which any change to a published comment, an erasure or a publish bumps),
    # for this page of comments as these settings and this language show it. A held comment
    # shown to its author is never kept.
    list_key = (
        ""
        if preview is not None
        else page_fragment_key(essay.pk, starters.number, site.per_page, site.thread_depth, open_)
    )

    reply_to = None
    if open_ and re.fullmatch(r"[0-9]{1,18}", target := request.GET.get(REPLY_TO_PARAM, "")):
        reply_to = essay.comments.filter(pk=int(target), status=Comment.Status.APPROVED).first()
        if reply_to is not None and reply_to.depth >= site.thread_depth:
            reply_to = None
    form = CommentForm(initial={"parent": reply_to.pk if reply_to else None})
    # The empty form is the same for every reader (its token is filled in per response); one
    # that answers a comment is not kept.
    form_key = page_fragment_key(essay.pk, "form") if open_ and reply_to is None else ""
    return {
        "comment_count": threads.approved,
        "comment_threads": SimpleLazyObject(shown),
        "comment_list_key": list_key,
        "comment_paginator": paginator,
        "comments_open": open_,
        "comment_form": form if open_ else None,
        "comment_form_key": form_key,
        "comment_reply_to": reply_to,
        "comment_depth": site.thread_depth,
        "comment_preview": preview,
        "comment_key": key
        if preview is not None and services.author_may_edit(preview, key)
        else "",
    }
