from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from voorproef.core.inspect import PlainInspectView
from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportIndexView

from .kinds import mail_kind_choices
from .models import OutgoingMail
from .services import mail_resend

# Before any view asks for a policy: Wagtail would otherwise make a default one.
_POLICY = NoAddingPolicy(OutgoingMail)
register_permission_policy(OutgoingMail, _POLICY)


class OutgoingMailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("status"), choices=OutgoingMail.Status.choices
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("kind"), choices=mail_kind_choices)
    created_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("created"), widget=DateRangePickerWidget
    )

    class Meta:
        model = OutgoingMail
        fields = ["status", "kind", "created_at"]


class OutgoingMailViewSet(ModelViewSet):
    index_view_class = SafeExportIndexView
    inspect_view_class = PlainInspectView
    model = OutgoingMail
    icon = "mail"
    menu_label = gettext_lazy("Outgoing mail")
    add_to_admin_menu = True
    menu_order = 260
    inspect_view_enabled = True
    list_display = [
        "subject_shown",
        "to",
        "kind_label",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    filterset_class = OutgoingMailFilterSet
    search_fields = ["to", "subject"]
    list_export = [
        "created_at",
        "kind_label",
        "to",
        "subject_shown",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "message_id",
    ]
    inspect_view_fields = [
        "kind_label",
        "to",
        "subject_shown",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "message_id",
        "created_at",
        "sent_at",
        "text_without_keys",
    ]
    form_fields = ["to"]


@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(OutgoingMail, pk=pk)
    if mail.status == OutgoingMail.Status.FAILED:
        mail_resend(mail=mail)
        messages.success(request, _("The mail is queued again."))
    return redirect("outgoing_mail:inspect", pk)


@hooks.register("register_admin_viewset")
def register_viewset() -> OutgoingMailViewSet:
    return OutgoingMailViewSet("outgoing_mail")


@hooks.register("register_admin_urls")
def register_urls() -> list[object]:
    return [path("outgoing-mail/<int:pk>/resend/", resend, name="outgoing_mail_resend")]


class FailedMailPanel(Component):
    """On the dashboard while any mail of the last 30 days failed for good: which, and why."""

    name = "failed_mail"
    order = 90
    template_name = "mail/admin/failed_panel.html"
    SHOWN = 5

    def __init__(self, failed: Any) -> None:
        self.failed = failed

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {"total": self.failed.count(), "mails": self.failed[: self.SHOWN]}


@hooks.register("construct_homepage_panels")
def add_failed_mail(request: HttpRequest, panels: list[Component]) -> None:
    if not _POLICY.user_has_any_permission(request.user, ["view", "change", "delete"]):
        return
    failed = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.FAILED, created_at__gte=timezone.now() - timedelta(days=30)
    )
    if failed.exists():
        panels.append(FailedMailPanel(failed))
