from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from voorproef.core.http import private
from voorproef.core.inspect import PlainInspectView
from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportIndexView

from . import services
from .forms import EditorEraseForm, EditorLookupForm
from .models import Consent, ConsentWording, DataRequest, PrivacySettings


class LogPolicy(ModelPermissionPolicy):
    """A log and a text history: to be read, never written by hand. Answering a request
    takes the model's "add" permission, through the answer view."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and bool(super().user_has_permission(user, action))

    def user_has_any_permission(self, user: Any, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Iterable[str]) -> Any:
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


register_permission_policy(DataRequest, LogPolicy(DataRequest))
register_permission_policy(ConsentWording, LogPolicy(ConsentWording))
register_permission_policy(Consent, NoAddingPolicy(Consent))


def _may_answer(user: Any) -> bool:
    return bool(user.has_perm("privacy.add_datarequest"))


class DataRequestIndexView(SafeExportIndexView):
    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        if not _may_answer(self.request.user):
            return []
        return [
            HeaderButton(
                _("Answer a request"), url=reverse("data_requests:answer"), icon_name="search"
            )
        ]


def _in_time(entry: DataRequest) -> str:
    if entry.in_time is None:
        return _("open, due %(date)s") % {"date": f"{entry.due_at:%Y-%m-%d}"}
    return _("yes") if entry.in_time else _("late")


class AnswerView(WagtailAdminTemplateMixin, TemplateView):
    """For a request that came by mail or post: look an address up, then hand over a copy
    or erase it, each logged with the date the request came in."""

    template_name = "privacy/admin/answer.html"
    page_title = gettext_lazy("Answer a data request")
    header_icon = "lock"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not _may_answer(request.user):
            return HttpResponse(status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("data_requests:index"), "label": _("Data requests")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", EditorLookupForm(initial={"received_on": timezone.localdate()}))
        context["comments_deletable"] = PrivacySettings.load().comments_deletable
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EditorLookupForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        email = form.cleaned_data["email"]
        received_at = timezone.make_aware(
            datetime.combine(form.cleaned_data["received_on"], time(12))
        )
        received_at = min(received_at, timezone.now())
        logged = {
            "channel": DataRequest.Channel.EDITOR,
            "handled_by": request.user,
            "received_at": received_at,
            "note": form.cleaned_data["note"],
        }
        action = request.POST.get("action")
        holdings = services.holdings_find(email)
        if action == "export":
            services.data_request_log(kind=DataRequest.Kind.EXPORT, summary={"zip": 1}, **logged)
            response = HttpResponse(services.holdings_zip(holdings), content_type="application/zip")
            response["Content-Disposition"] = 'attachment; filename="gegevens.zip"'
            return private(response)
        if action == "erase":
            erase_form = EditorEraseForm(request.POST)
            if not erase_form.is_valid():
                return self.render_to_response(
                    self.get_context_data(form=form, holdings=holdings, erase_form=erase_form),
                    status=400,
                )
            services.holdings_erase(
                email=email,
                delete_comments=erase_form.cleaned_data["delete_comments"],
                **logged,
            )
            messages.success(
                request, _("Everything held about the address is erased; the log has the numbers.")
            )
            return redirect("data_requests:index")
        return self.render_to_response(
            self.get_context_data(form=form, holdings=holdings, erase_form=EditorEraseForm())
        )


class DataRequestViewSet(ModelViewSet):
    model = DataRequest
    icon = "lock"
    menu_label = gettext_lazy("Data requests")
    menu_order = 10
    index_view_class = DataRequestIndexView
    inspect_view_enabled = True
    inspect_view_class = PlainInspectView
    list_display = [
        "received_at",
        Column("kind", label=gettext_lazy("Request"), accessor="get_kind_display"),
        Column("channel", label=gettext_lazy("Made"), accessor="get_channel_display"),
        "answered_at",
        Column("in_time", label=gettext_lazy("Within a month"), accessor=_in_time),
        "handled_by",
        "note",
    ]
    list_filter = ["kind", "channel", "received_at"]
    list_export = ["received_at", "kind", "channel", "answered_at", "summary", "note"]
    export_filename = "data-requests"
    form_fields = ["note"]

    def get_urlpatterns(self) -> list[Any]:
        return [*super().get_urlpatterns(), path("answer/", AnswerView.as_view(), name="answer")]


class ConsentWordingViewSet(ModelViewSet):
    model = ConsentWording
    icon = "doc-full"
    menu_label = gettext_lazy("Consent texts")
    menu_order = 30
    inspect_view_enabled = True
    inspect_view_class = PlainInspectView
    list_display = ["purpose", "version", "first_shown_at", "text"]
    list_filter = ["purpose"]
    form_fields = ["text"]


class ConsentViewSet(ModelViewSet):
    index_view_class = SafeExportIndexView
    model = Consent
    icon = "tick-inverse"
    menu_label = gettext_lazy("Consents")
    menu_order = 20
    inspect_view_enabled = True
    inspect_view_class = PlainInspectView
    list_display = ["email", "purpose", "given_at", "confirmed_at", "withdrawn_at", "source_label"]
    list_filter = ["purpose", "confirmed_at", "withdrawn_at"]
    search_fields = ["email"]
    list_export = [
        "given_at",
        "email",
        "purpose",
        "text",
        "wording",
        "confirmed_at",
        "withdrawn_at",
        "source",
    ]
    inspect_view_fields = [
        "email",
        "purpose",
        "text",
        "wording",
        "source_label",
        "given_at",
        "confirmed_at",
        "withdrawn_at",
    ]
    form_fields = ["withdrawn_at"]


class PrivacyGroup(ViewSetGroup):
    """One menu for what the law asks of the editors: requests, consents and their wording."""

    menu_label = gettext_lazy("Privacy")
    menu_icon = "lock"
    menu_order = 260
    items = (
        DataRequestViewSet("data_requests"),
        ConsentViewSet("consents"),
        ConsentWordingViewSet("consent_texts"),
    )


@hooks.register("register_admin_viewset")
def register_viewsets() -> PrivacyGroup:
    return PrivacyGroup()


@hooks.register("register_settings_menu_item")
def consent_texts_menu_item() -> MenuItem:
    return MenuItem(
        gettext_lazy("Consent texts"),
        reverse_lazy("consent_texts:index"),
        icon_name="doc-full",
        order=900,
    )
