"""The discussion as a part of a page: its switch, its routes (posting, pages of the thread,
the feed, the author's edit and delete) and what the page shows of it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import path

from voorproef.core.http import private
from voorproef.core.links import absolute_url
from voorproef.core.pages import FeaturePage

from . import views
from .context import discussion_context
from .feeds import CommentFeed
from .params import AUTHOR_KEY_PARAM


class DiscussionMixin(FeaturePage):
    comments_enabled = models.BooleanField(_("allow comments"), default=True)

    discussion_settings_panels = [FieldPanel("comments_enabled")]

    class Meta:
        abstract = True

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        if self.comments_enabled or self.comments.exists():
            context.update(discussion_context(self, request, page=kwargs.get("comment_page")))
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = super().serve(request, *args, **kwargs)
        if AUTHOR_KEY_PARAM in request.GET:
            # The address holds a commenter's key: kept from shared caches and other sites.
            private(response)
        return response

    def comments_feed_url(self) -> str:
        return absolute_url(self.get_url() + self.reverse_subpage("comments_feed"))

    @path("reacties/plaatsen/", name="comment_post")
    def comment_post(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST":
            return redirect(self.url + "#reageer")
        return views.comment_submit(request, self)

    @path("reacties/<int:number>/", name="comments_page")
    def comments_page(self, request: HttpRequest, number: int) -> HttpResponseBase:
        if number < 2:
            return redirect(self.url + "#reacties", permanent=True)
        return self.render(request, comment_page=number)

    @path("reacties/feed/", name="comments_feed")
    def comments_feed(self, request: HttpRequest) -> HttpResponseBase:
        return CommentFeed()(request, essay=self)

    @path("reacties/<int:pk>/bewerken/", name="comment_edit")
    def comment_edit(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return views.comment_edit(request, self, pk)

    @path("reacties/<int:pk>/verwijderen/", name="comment_delete")
    def comment_delete(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return views.comment_delete(request, self, pk)
