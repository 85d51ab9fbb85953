from __future__ import annotations

import json
from typing import Any

import django_filters
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from voorproef.core.inspect import PlainInspectView
from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportIndexView

from . import signing
from .forms import WebhookForm
from .models import EVENTS, Delivery, Webhook
from .services import deliveries_requeue, delivery_resend, webhook_secret_rotate

_DELIVERY_POLICY = NoAddingPolicy(Delivery)
register_permission_policy(Delivery, _DELIVERY_POLICY)


def _secret_page(request: HttpRequest, webhook: Webhook, secret: str, *, new: bool) -> HttpResponse:
    return TemplateResponse(
        request,
        "webhooks/admin/secret.html",
        {
            "webhook": webhook,
            "secret": secret,
            "new": new,
            "page_title": _("Signing secret"),
            "edit_url": reverse("webhooks:edit", args=[webhook.pk]),
            "deliveries_url": reverse("webhook_deliveries:index") + f"?webhook={webhook.pk}",
        },
    )


class WebhookCreateView(CreateView):
    secret = ""

    def save_instance(self) -> Any:
        self.secret = signing.secret_new()
        self.form.instance.secret_sealed = signing.seal(self.secret)
        return super().save_instance()

    def save_action(self) -> HttpResponse:
        # Shown in this answer only: not in a message, a cookie or the database in clear.
        return _secret_page(self.request, self.object, self.secret, new=True)


class WebhookEditView(EditView):
    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        return [
            HeaderButton(
                _("Deliveries"),
                url=reverse("webhook_deliveries:index") + f"?webhook={self.object.pk}",
                icon_name="list-ul",
            )
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rotate_url"] = reverse("webhook_rotate", args=[self.object.pk])
        context["webhook"] = self.object
        return context

    def save_instance(self) -> Any:
        was_active = Webhook.objects.filter(pk=self.object.pk, active=True).exists()
        instance = super().save_instance()
        if instance.active and not was_active:
            Webhook.objects.filter(pk=instance.pk).update(
                failing_since=None, disabled_at=None, disabled_reason=""
            )
            deliveries_requeue(webhook=instance)
        return instance


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link-external"
    menu_label = gettext_lazy("Webhooks")
    add_view_class = WebhookCreateView
    edit_view_class = WebhookEditView
    edit_template_name = "webhooks/admin/edit.html"
    list_display = ["name", "kind", "url", "events_label", "active_label", "failing_since"]

    def get_form_class(self, for_update: bool = False) -> type[WebhookForm]:
        return WebhookForm

    search_fields = ["name", "url"]


class DeliveryFilterSet(WagtailFilterSet):
    webhook = django_filters.ModelChoiceFilter(
        label=gettext_lazy("webhook"), queryset=Webhook.objects.all()
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("status"), choices=Delivery.Status.choices
    )
    event = django_filters.ChoiceFilter(
        label=gettext_lazy("event"), choices=lambda: [(k, str(v)) for k, v in EVENTS.items()]
    )

    class Meta:
        model = Delivery
        fields = ["webhook", "status", "event"]


class DeliveryInspectView(PlainInspectView):
    template_name = "webhooks/admin/delivery_inspect.html"

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        if field_name == "payload":
            return format_html(
                "<pre>{}</pre>", json.dumps(self.object.payload, indent=2, ensure_ascii=False)
            )
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object.status == Delivery.Status.FAILED:
            context["resend_url"] = reverse("webhook_delivery_resend", args=[self.object.pk])
        return context


class DeliveryEditView(EditView):
    """A delivery is the log of what happened: it is looked at (and sent again), not edited."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("webhook_deliveries:inspect", kwargs["pk"])


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    url_prefix = "webhook-deliveries"
    icon = "list-ul"
    menu_label = gettext_lazy("Deliveries")
    index_view_class = SafeExportIndexView
    inspect_view_class = DeliveryInspectView
    edit_view_class = DeliveryEditView
    inspect_view_enabled = True
    list_display = [
        TitleColumn(
            "event",
            label=gettext_lazy("Event"),
            accessor="event_label",
            url_name="webhook_deliveries:inspect",
        ),
        "webhook",
        "status",
        "attempts",
        "response_label",
        "created_at",
    ]
    list_filter = None
    filterset_class = DeliveryFilterSet
    search_fields = ["email", "message_id"]
    list_export = [
        "created_at",
        "webhook",
        "event_label",
        "message_id",
        "status",
        "attempts",
        "response_code",
        "response_ms",
        "last_attempt_at",
        "delivered_at",
        "last_error",
    ]
    inspect_view_fields = [
        "webhook",
        "event_label",
        "message_id",
        "status",
        "attempts",
        "response_label",
        "response_ms",
        "last_error",
        "next_attempt_at",
        "last_attempt_at",
        "created_at",
        "delivered_at",
        "payload",
    ]
    form_fields = ["webhook"]


class WebhooksGroup(ViewSetGroup):
    menu_label = gettext_lazy("Webhooks")
    menu_icon = "link-external"
    menu_order = 270
    items = (WebhookViewSet("webhooks"), DeliveryViewSet("webhook_deliveries"))


@hooks.register("register_admin_viewset")
def register_viewsets() -> WebhooksGroup:
    return WebhooksGroup()


@require_POST
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=pk)
    if not request.user.has_perm("webhooks.change_webhook"):
        return redirect("webhooks:edit", pk)
    secret = webhook_secret_rotate(webhook=webhook)
    webhook.refresh_from_db()
    return _secret_page(request, webhook, secret, new=False)


@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    if request.user.has_perm("webhooks.change_delivery"):
        with transaction.atomic():
            if delivery_resend(delivery=delivery):
                messages.success(request, _("The delivery is queued again."))
    return redirect("webhook_deliveries:inspect", pk)


@hooks.register("register_admin_urls")
def register_urls() -> list[object]:
    return [
        path("webhooks/<int:pk>/rotate/", rotate, name="webhook_rotate"),
        path("webhook-deliveries/<int:pk>/resend/", resend, name="webhook_delivery_resend"),
    ]
