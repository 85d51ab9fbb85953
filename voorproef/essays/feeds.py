from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from voorproef.core.links import absolute_url

from .models import EssayPage


class EssayFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return settings.WAGTAIL_SITE_NAME

    def subtitle(self) -> str:
        return _("New essays")

    def link(self) -> str:
        return absolute_url("/")

    def feed_url(self) -> str:
        return absolute_url("/feed/")

    def items(self) -> QuerySet[EssayPage]:
        return (
            EssayPage.objects.live()
            .public()
            .prefetch_related("authors")
            .order_by("-date", "-first_published_at")[:20]
        )

    def item_title(self, item: EssayPage) -> str:
        return item.title

    def item_description(self, item: EssayPage) -> str:
        return item.teaser()

    def item_link(self, item: EssayPage) -> str:
        return item.canonical_url()

    def item_author_name(self, item: EssayPage) -> str:
        return item.byline()

    def item_pubdate(self, item: EssayPage) -> datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: EssayPage) -> datetime | None:
        return item.last_published_at
