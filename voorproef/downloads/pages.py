"""The download gate as a part of a page: its settings, its panels, its two routes.

A page model that offers its text as a PDF mixes this in (before `RoutablePageMixin`); the
columns stay in that page's own table. Everything else in this app finds such pages through
`gate_page_models`, never by importing the page that mixes it in."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path

from voorproef.core.pages import FeaturePage

from .forms import DownloadForm
from .views import download_submit


class DownloadGateMixin(FeaturePage):
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

    # Where the page puts them: the invitation among its content, the rest in its settings.
    download_content_panels = [FieldPanel("download_invitation")]
    download_settings_panels = [
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
        )
    ]

    class Meta:
        abstract = True

    def download_form(self) -> DownloadForm:
        return DownloadForm(newsletter_text=self.newsletter_text)

    @path("download/", name="download")
    def download(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST" or not self.download_enabled:
            return redirect(self.url + "#download-form")
        return download_submit(request, self)

    @path("download/verstuurd/", name="download_sent")
    def download_sent(self, request: HttpRequest) -> HttpResponseBase:
        return TemplateResponse(request, "downloads/sent.html", {"page": self})


def gate_page_models() -> list[type[Any]]:
    """The page models that carry the gate (the essay page, and any other that mixes it in)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, DownloadGateMixin) and not model._meta.abstract
    ]
