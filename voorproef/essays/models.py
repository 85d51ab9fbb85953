from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from voorproef.comments.pages import DiscussionMixin
from voorproef.comments.params import AUTHOR_KEY_PARAM
from voorproef.core.http import private
from voorproef.core.links import absolute_url
from voorproef.core.models import SiteSettings
from voorproef.core.pagecache import mark_cacheable, page_fragment_key, page_text_fragment_key
from voorproef.core.pages import PageForm
from voorproef.downloads.pages import DownloadGateMixin
from voorproef.inbox.pages import ReaderMessagesMixin

from .blocks import EssayBodyBlock

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class HomePage(Page):
    base_form_class = PageForm

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["essays.EssayPage", "privacy.PrivacyPage"]
    max_count = 1
    essays_per_page = 20

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        essays = (
            EssayPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("hero_image")
            .prefetch_related("authors")
            .order_by("-date", "-first_published_at")
        )
        context["essays"] = Paginator(essays, self.essays_per_page).get_page(
            request.GET.get("pagina")
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().serve(request, *args, **kwargs)
        if AUTHOR_KEY_PARAM in request.GET:  # the address holds a commenter's key
            return private(response)
        return mark_cacheable(response)

    def canonical_url(self) -> str:
        return absolute_url(self.get_url())

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        return [{"location": self.canonical_url(), "lastmod": self.last_published_at}]


class EssayPage(DownloadGateMixin, ReaderMessagesMixin, DiscussionMixin, RoutablePageMixin, Page):
    base_form_class = PageForm

    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    date = models.DateField(
        _("publication date"),
        default=timezone.localdate,
        help_text=_("The date readers see; publishing can be scheduled under “Publish”."),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_caption = models.CharField(_("hero image caption"), max_length=300, blank=True)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A short lead above the text; also the teaser on the home page."),
    )
    body = StreamField(EssayBodyBlock(), verbose_name=_("text"))
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the essay is shared on social media. Defaults to the hero image."),
    )
    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        InlinePanel("authors", heading=_("Authors"), label=_("Author"), min_num=1),
        FieldPanel("date"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_caption")], _("Hero image")),
        FieldPanel("introduction"),
        *DownloadGateMixin.download_content_panels,
        FieldPanel("body"),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("share_image")]
    settings_panels = [
        *Page.settings_panels,
        *DownloadGateMixin.download_settings_panels,
        MultiFieldPanel(
            [
                *ReaderMessagesMixin.messages_settings_panels,
                *DiscussionMixin.discussion_settings_panels,
            ],
            _("Readers"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("subtitle"),
        index.SearchField("introduction"),
        index.SearchField("body"),
        index.RelatedFields("authors", [index.SearchField("name")]),
    ]

    parent_page_types = ["essays.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("essay")
        verbose_name_plural = _("essays")

    # -- reading the body ----------------------------------------------------------------------

    def numbered_blocks(self) -> list[tuple[Any, int | None]]:
        """Every block but the gate, each with its experience number (None for the others)."""
        items: list[tuple[Any, int | None]] = []
        experiences = 0
        for block in self.body:
            if block.block_type == "experience":
                experiences += 1
                items.append((block, experiences))
            elif block.block_type != "gate":
                items.append((block, None))
        return items

    def public_blocks(self) -> list[tuple[Any, int | None]]:
        """The blocks above the gate: what readers see on the page."""
        gate_at = next((i for i, b in enumerate(self.body) if b.block_type == "gate"), None)
        if gate_at is None:
            return self.numbered_blocks()
        public_ids = {b.id for b in list(self.body)[:gate_at]}
        return [(block, n) for block, n in self.numbered_blocks() if block.id in public_ids]

    def gate(self) -> Any | None:
        return next((b for b in self.body if b.block_type == "gate"), None)

    @cached_property
    def author_names(self) -> list[str]:
        """Read once per page object: the page's head, its structured data and its byline
        all name the authors."""
        return [author.name for author in self.authors.all()]

    def byline(self) -> str:
        names: list[Any] = self.author_names
        return str(get_text_list(names, _("and")))

    def teaser(self) -> str:
        if self.introduction:
            return self.introduction
        if self.search_description:
            return self.search_description
        for block in self.body:
            if block.block_type in {"paragraph", "experience"}:
                source = block.value if block.block_type == "paragraph" else block.value["text"]
                text = strip_tags(str(source)).strip()
                if text:
                    return Truncator(text).words(40)
        return ""

    def get_share_image(self) -> Any | None:
        return self.share_image or self.hero_image

    # -- what search engines and feeds read ----------------------------------------------------

    def canonical_url(self) -> str:
        return absolute_url(self.get_url())

    def json_ld(
        self, share_image_url: str | None = None, request: HttpRequest | None = None
    ) -> str:
        publisher = SiteSettings.load(request).publisher_name or settings.WAGTAIL_SITE_NAME
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": self.search_description or self.teaser(),
            "inLanguage": settings.LANGUAGE_CODE,
            "datePublished": self.date.isoformat(),
            "author": [{"@type": "Person", "name": name} for name in self.author_names],
            "publisher": {"@type": "Organization", "name": publisher},
            "mainEntityOfPage": self.canonical_url(),
        }
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        if self.subtitle:
            data["alternativeHeadline"] = self.subtitle
        if share_image_url:
            data["image"] = share_image_url
        return json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        return [{"location": self.canonical_url(), "lastmod": self.last_published_at}]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        image = self.get_share_image()
        share = image.get_rendition("fill-1200x630|format-jpeg") if image else None
        share_url = absolute_url(share.url) if share else None
        context.update(
            share_image=share,
            share_image_url=share_url,
            json_ld=self.json_ld(share_url, request),
            # Read only when rendered, not when the rendered text comes from the cache.
            public_blocks=SimpleLazyObject(self.public_blocks),
            gate=SimpleLazyObject(self.gate),
            **self._fragment_keys(request),
        )
        return context

    def _fragment_keys(self, request: HttpRequest) -> dict[str, str]:
        """Per revision, the rendered hero, introduction and body are kept until the pages
        themselves next change (a comment leaves them), the forms and the readers' experiences
        until the public pages next change; nothing of a preview is kept."""
        if getattr(request, "is_preview", False):
            return {"essay_cache_key": "", "essay_forms_key": ""}
        revision = self.live_revision_id
        return {
            "essay_cache_key": page_text_fragment_key(self.pk, revision),
            "essay_forms_key": page_fragment_key(self.pk, revision, "forms"),
        }

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return mark_cacheable(super().serve(request, *args, **kwargs))


class EssayAuthor(Orderable):
    page = ParentalKey(EssayPage, on_delete=models.CASCADE, related_name="authors")
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("For instance a role.")
    )

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name
