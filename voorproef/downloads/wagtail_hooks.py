from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.models import Page, Revision
from wagtail.permissions import register_permission_policy

from voorproef.core.http import private
from voorproef.core.inspect import PlainInspectView
from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportIndexView

from .models import DownloadRequest
from .pages import gate_page_models
from .services import essay_pdf_for_editors

# Before any view asks for a policy: Wagtail would otherwise make a default one.
register_permission_policy(DownloadRequest, NoAddingPolicy(DownloadRequest))


class DownloadRequestFilterSet(WagtailFilterSet):
    newsletter = django_filters.BooleanFilter(
        label=_("newsletter"), method="newsletter_filter", widget=forms.NullBooleanSelect
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("requested"), widget=DateRangePickerWidget
    )

    class Meta:
        model = DownloadRequest
        fields = ["essay", "mode", "created_at", "newsletter"]

    def newsletter_filter(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        asked = queryset.filter(consents__purpose="newsletter")
        return asked if value else queryset.exclude(pk__in=asked.values("pk"))


class DownloadRequestViewSet(ModelViewSet):
    index_view_class = SafeExportIndexView
    inspect_view_class = PlainInspectView
    model = DownloadRequest
    icon = "download"
    menu_label = _("Download requests")
    add_to_admin_menu = True
    menu_order = 250
    inspect_view_enabled = True
    list_display = [
        "name",
        "email",
        "essay",
        "mode",
        "created_at",
        "confirmed_at",
        "newsletter",
        "download_count",
    ]
    filterset_class = DownloadRequestFilterSet
    search_fields = ["name", "reader__email"]
    list_export = [
        "created_at",
        "essay",
        "name",
        "email",
        "mode",
        "confirmed_at",
        "newsletter",
        "download_count",
        "last_download_at",
        "ip_network",
    ]
    export_filename = "download-requests"
    form_fields = ["name"]
    exclude_form_fields: list[str] = []

    def get_queryset(self, request: HttpRequest) -> Any:
        return DownloadRequest.objects.select_related("essay", "reader").prefetch_related(
            "consents"
        )


@hooks.register("register_admin_viewset")
def register_viewsets() -> list[ModelViewSet]:
    return [DownloadRequestViewSet("download_requests")]


class DownloadCountsPanel(Component):
    """Per essay on the dashboard: requests, confirmed addresses, downloads."""

    name = "download_counts"
    order = 150
    template_name = "downloads/admin/counts_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        essays = [
            essay
            for model in gate_page_models()
            # From the tallies, which an erasure does not lower: history stays history.
            for essay in model.objects.annotate(
                requests=Coalesce(Sum("download_tallies__requests"), 0),
                confirmed=Coalesce(Sum("download_tallies__confirmed"), 0),
                downloads=Coalesce(Sum("download_tallies__downloads"), 0),
            )
        ]
        # Newest first, by the date readers see (a page without one: when it was published).
        essays.sort(key=lambda page: str(getattr(page, "date", page.first_published_at)))
        essays.reverse()
        return {"essays": essays}


@hooks.register("construct_homepage_panels")
def add_download_counts(request: HttpRequest, panels: list[Component]) -> None:
    panels.append(DownloadCountsPanel())


def _essay_pdf(document: Any) -> bool:
    """Whether any essay has, had or will have this document as its PDF: the live page, or any
    revision (a draft not yet published, one scheduled, one an editor replaced)."""
    models = gate_page_models()
    return any(model.objects.filter(pdf_document=document).exists() for model in models) or (
        Revision.objects.filter(
            content_type__in=ContentType.objects.get_for_models(*models).values(),
            content__pdf_document=document.pk,
        ).exists()
    )


@hooks.register("before_serve_document")
def keep_essay_pdfs_private(document: Any, request: HttpRequest) -> None:
    """An uploaded essay PDF goes to readers only as their personal copy, never by its URL:
    neither before it is published nor after another has taken its place."""
    if not (
        request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin")
    ) and _essay_pdf(document):
        raise Http404


def _editable_gate_page(request: HttpRequest, page_id: int) -> Any:
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, tuple(gate_page_models())):
        raise Http404
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def essay_pdf_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """The PDF of the essay's newest revision, for an editor to read before publishing (or
    after): shown in the browser, not counted, not stamped with a name."""
    page = _editable_gate_page(request, page_id)
    response = HttpResponse(essay_pdf_for_editors(page), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{page.slug}.pdf"'
    return private(response)


@hooks.register("register_admin_urls")
def register_pdf_url() -> list[Any]:
    return [path("essays/<int:page_id>/pdf/", essay_pdf_view, name="essay_pdf_for_editors")]


def _pdf_button(page: Any, user: Any, priority: int) -> list[Button]:
    if not isinstance(page.specific_deferred, tuple(gate_page_models())):
        return []
    if not page.permissions_for_user(user).can_edit():
        return []
    return [
        Button(
            _("View PDF"),
            reverse("essay_pdf_for_editors", args=[page.pk]),
            icon_name="doc-full",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=priority,
        )
    ]


@hooks.register("register_page_header_buttons")
def essay_pdf_header_button(
    page: Any, user: Any, view_name: str, next_url: str | None = None
) -> list[Button]:
    return _pdf_button(page, user, priority=40)


@hooks.register("register_page_listing_more_buttons")
def essay_pdf_listing_button(page: Any, user: Any, next_url: str | None = None) -> list[Button]:
    return _pdf_button(page, user, priority=40)
