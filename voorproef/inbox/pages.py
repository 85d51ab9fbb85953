"""Readers' experiences as a part of a page: the switch, the invitation, the form's routes and
the experiences published on the page."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import path

from voorproef.core.pages import FeaturePage

from .forms import MessageForm
from .views import message_submit


class ReaderMessagesMixin(FeaturePage):
    messages_enabled = models.BooleanField(_("invite readers' messages"), default=True)
    message_invitation = models.TextField(
        _("invitation to send an experience"),
        blank=True,
        help_text=_("Above the form with which readers send the authors their experience."),
    )

    messages_settings_panels = [FieldPanel("messages_enabled"), FieldPanel("message_invitation")]

    class Meta:
        abstract = True

    def message_form(self) -> MessageForm:
        return MessageForm()

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["published_messages"] = self.reader_messages.filter(published=True).order_by(
            "public_order", "published_at"
        )
        return context

    @path("bericht/", name="message")
    def message(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST" or not self.messages_enabled:
            return redirect(self.url + "#ervaring")
        return message_submit(request, self)

    @path("bericht/verstuurd/", name="message_sent")
    def message_sent(self, request: HttpRequest) -> HttpResponseBase:
        return TemplateResponse(request, "inbox/sent.html", {"page": self})
