"""WordPress's comment links (`/2019/03/essay/#comment-123`) after the move: the redirect keeps
the fragment, which no element here bears; the site's script asks this view where comment 123
stands now, and is sent there (its page of the thread, its anchor)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from voorproef.comments.models import Comment, CommentSettings
from voorproef.comments.services import comments_page_path, thread_page_of

from .models import ImportedItem


@require_GET
def comment_anchor(request: HttpRequest, wp_id: int) -> HttpResponse:
    came_from = request.GET.get("op", "/")
    if not came_from.startswith("/") or not url_has_allowed_host_and_scheme(
        came_from, allowed_hosts=None
    ):
        came_from = "/"
    ids = ImportedItem.objects.filter(kind="comment", key=str(wp_id)).values_list(
        "object_id", flat=True
    )
    comments = list(
        Comment.objects.filter(pk__in=list(ids), status=Comment.Status.APPROVED).select_related(
            "essay"
        )
    )
    # The same number may stand on two imported sites: the one on the page it came from.
    comment = next((c for c in comments if c.essay.url == came_from), None) or (
        comments[0] if len(comments) == 1 else None
    )
    if comment is None:
        return HttpResponseRedirect(came_from)
    page = thread_page_of(comment, CommentSettings.load().per_page)
    return HttpResponseRedirect(f"{comments_page_path(comment.essay, page)}#{comment.anchor}")
