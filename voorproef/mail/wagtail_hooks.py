from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportIndexView

from .models import OutgoingMail
from .services import mail_resend

# Before any view asks for a policy: Wagtail would otherwise make a default one.
register_permission_policy(OutgoingMail, NoAddingPolicy(OutgoingMail))


class OutgoingMailViewSet(ModelViewSet):
    index_view_class = SafeExportIndexView
    model = OutgoingMail
    icon = "mail"
    menu_label = gettext_lazy("Outgoing mail")
    add_to_admin_menu = True
    menu_order = 260
    inspect_view_enabled = True
    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["to", "subject"]
    list_export = [
        "created_at",
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "message_id",
    ]
    inspect_view_fields = [
        "kind",
        "to",
        "subject",
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
