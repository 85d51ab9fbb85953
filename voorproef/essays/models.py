from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from voorproef.core.http import private
from voorproef.core.links import absolute_url
from voorproef.core.middleware import mark_cacheable

from .blocks import EssayBodyBlock

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class HomePage(Page):
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
        if "reactie" in request.GET:  # the address holds a commenter's key
            return private(response)
        return mark_cacheable(response)

    def canonical_url(self) -> str:
        return absolute_url(self.get_url())

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        return [{"location": self.canonical_url(), "lastmod": self.last_published_at}]


class EssayPage(RoutablePageMixin, Page):
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
    download_invitation = models.TextField(
        _("download invitation"),
        blank=True,
        help_text=_("Shown at the top of the essay, inviting readers to get the whole text."),
    )
    download_enabled = models.BooleanField(_("offer the PDF download"), default=True)
    download_form_lead = models.CharField(
        _("form introduction"),
        max_length=300,
        blank=True,
        help_text=_("One line above the download form."),
    )
    delivery_mode = models.CharField(
        _("delivery"),
        max_length=10,
        choices=[
            ("direct", _("Download at once; the link also goes by mail")),
            ("confirm", _("Confirm the address first (double opt-in)")),
        ],
        default="direct",
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("personal link valid for (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    attach_pdf = models.BooleanField(
        _("attach the PDF to the mail"),
        default=True,
        help_text=_("Only when the file is small enough for mail; the link is always there."),
    )
    newsletter_text = models.CharField(
        _("newsletter checkbox"),
        max_length=300,
        blank=True,
        help_text=_("The words next to the newsletter checkbox. Leave empty for no checkbox."),
    )
    pdf_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF of the essay"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Upload the essay as a PDF to send that; leave empty to have it made from "
            "this page. It is never served at a public address."
        ),
    )
    messages_enabled = models.BooleanField(_("invite readers' messages"), default=True)
    message_invitation = models.TextField(
        _("invitation to send an experience"),
        blank=True,
        help_text=_("Above the form with which readers send the authors their experience."),
    )
    comments_enabled = models.BooleanField(_("allow comments"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        InlinePanel("authors", heading=_("authors"), label=_("author"), min_num=1),
        FieldPanel("date"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_caption")], _("Hero image")),
        FieldPanel("introduction"),
        FieldPanel("download_invitation"),
        FieldPanel("body"),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("share_image")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("download_enabled"),
                FieldPanel("download_form_lead"),
                FieldPanel("delivery_mode"),
                FieldPanel("link_valid_days"),
                FieldPanel("attach_pdf"),
                FieldPanel("newsletter_text"),
                FieldPanel("pdf_document"),
            ],
            _("Download"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("messages_enabled"),
                FieldPanel("message_invitation"),
                FieldPanel("comments_enabled"),
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

    def author_names(self) -> list[str]:
        return [author.name for author in self.authors.all()]

    def byline(self) -> str:
        names: list[Any] = self.author_names()
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

    def json_ld(self, share_image_url: str | None = None) -> str:
        from voorproef.core.models import SiteSettings

        publisher = SiteSettings.load().publisher_name or settings.WAGTAIL_SITE_NAME
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": self.search_description or self.teaser(),
            "inLanguage": settings.LANGUAGE_CODE,
            "datePublished": self.date.isoformat(),
            "author": [{"@type": "Person", "name": name} for name in self.author_names()],
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
            json_ld=self.json_ld(share_url),
            public_blocks=self.public_blocks(),
            gate=self.gate(),
            published_messages=self.reader_messages.filter(published=True).order_by(
                "public_order", "published_at"
            ),
        )
        if self.comments_enabled or self.comments.exists():
            from voorproef.comments.context import discussion_context

            context.update(discussion_context(self, request, page=kwargs.get("comment_page", 1)))
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().serve(request, *args, **kwargs)
        if "reactie" in request.GET:
            # The address holds a commenter's key: kept from shared caches and other sites.
            response["Cache-Control"] = "private, no-store"
            response["Referrer-Policy"] = "no-referrer"
            response["X-Robots-Tag"] = "noindex"
        return mark_cacheable(response)

    # -- the download form's endpoints -----------------------------------------------------------

    @path("download/", name="download")
    def download(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST" or not self.download_enabled:
            return redirect(self.url + "#download-form")
        from voorproef.downloads.views import download_submit

        return download_submit(request, self)

    @path("download/verstuurd/", name="download_sent")
    def download_sent(self, request: HttpRequest) -> HttpResponseBase:
        return TemplateResponse(request, "downloads/sent.html", {"page": self})

    # -- readers' experiences ----------------------------------------------------------------------

    @path("bericht/", name="message")
    def message(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST" or not self.messages_enabled:
            return redirect(self.url + "#ervaring")
        from voorproef.inbox.views import message_submit

        return message_submit(request, self)

    @path("bericht/verstuurd/", name="message_sent")
    def message_sent(self, request: HttpRequest) -> HttpResponseBase:
        return TemplateResponse(request, "inbox/sent.html", {"page": self})

    def message_form(self) -> Any:
        from voorproef.inbox.forms import MessageForm

        return MessageForm()

    # -- the discussion --------------------------------------------------------------------------

    @path("reacties/plaatsen/", name="comment_post")
    def comment_post(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST":
            return redirect(self.url + "#reageer")
        from voorproef.comments.views import comment_submit

        return comment_submit(request, self)

    @path("reacties/<int:number>/", name="comments_page")
    def comments_page(self, request: HttpRequest, number: int) -> HttpResponseBase:
        if number < 2:
            return redirect(self.url + "#reacties", permanent=True)
        return self.render(request, comment_page=number)

    @path("reacties/feed/", name="comments_feed")
    def comments_feed(self, request: HttpRequest) -> HttpResponseBase:
        from voorproef.comments.feeds import CommentFeed

        return CommentFeed()(request, essay=self)

    def comments_feed_url(self) -> str:
        return absolute_url(self.get_url() + self.reverse_subpage("comments_feed"))

    @path("reacties/<int:pk>/bewerken/", name="comment_edit")
    def comment_edit(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from voorproef.comments.views import comment_edit

        return comment_edit(request, self, pk)

    @path("reacties/<int:pk>/verwijderen/", name="comment_delete")
    def comment_delete(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from voorproef.comments.views import comment_delete

        return comment_delete(request, self, pk)

    def download_form(self) -> Any:
        from voorproef.downloads.forms import DownloadForm

        return DownloadForm(newsletter_text=self.newsletter_text)


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
