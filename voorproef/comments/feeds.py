from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from voorproef.core.links import absolute_url

from .models import Comment, CommentSettings
from .services import comment_pages, comments_page_path
from .text import comment_html

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage


class CommentFeed(Feed):
    """The approved comments on one essay, newest first. Names, never addresses."""

    feed_type = Atom1Feed
    items_shown = 50

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeaturePage:
        essay: FeaturePage = kwargs["essay"]
        # Each entry links to its page of the thread: read the thread once, not per entry.
        self._pages = comment_pages(essay, CommentSettings.load().per_page)
        return essay

    def title(self, essay: FeaturePage) -> str:
        return _("Comments on “%s”") % essay.title

    def link(self, essay: FeaturePage) -> str:
        return absolute_url(essay.url + "#reacties")

    def feed_url(self, essay: FeaturePage) -> str:
        return absolute_url(essay.url + essay.reverse_subpage("comments_feed"))

    def subtitle(self, essay: FeaturePage) -> str:
        return essay.teaser()

    def items(self, essay: FeaturePage) -> Any:
        return (
            essay.comments.filter(status=Comment.Status.APPROVED)
            .select_related("essay")
            .order_by("-created_at", "-pk")[: self.items_shown]
        )

    def item_title(self, comment: Comment) -> str:
        return _("%(name)s on “%(title)s”") % {"name": comment.name, "title": comment.essay.title}

    def item_description(self, comment: Comment) -> str:
        return str(comment_html(comment.text))

    def item_link(self, comment: Comment) -> str:
        path = comments_page_path(comment.essay, self._pages.get(comment.pk, 1))
        return absolute_url(f"{path}#{comment.anchor}")

    def item_guid(self, comment: Comment) -> str:
        return absolute_url(f"{comment.essay.url}#{comment.anchor}")

    def item_author_name(self, comment: Comment) -> str:
        return comment.name

    def item_pubdate(self, comment: Comment) -> Any:
        return comment.created_at

    def item_updateddate(self, comment: Comment) -> Any:
        return comment.edited_at or comment.created_at
