from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from voorproef.core.inspect import PlainInspectView, yes_no
from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportIndexView

from . import services
from .forms import PublishForm, ReplyForm
from .models import ReaderMessage

# Before any view asks for a policy: Wagtail would otherwise make a default one.
register_permission_policy(ReaderMessage, NoAddingPolicy(ReaderMessage))


class MessageView(PlainInspectView):
    """One message as an editor reads it: opening it marks it read; the thread, a reply form
    and the archive button sit below it."""

    template_name = "inbox/admin/message.html"
    page_title = gettext_lazy("Message")

    def get_page_subtitle(self) -> str:
        # The header says whose message it is and when ("Bericht · Sanne Visser, 3 december
        # 2026"); the row's own name stays impersonal for the action log.
        received = date_format(timezone.localtime(self.object.created_at), "j F Y")
        return f"{self.object.name}, {received}"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.message_open(message=self.object)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.permission_policy.user_has_permission(request.user, "change"):
            return HttpResponse(status=403)
        message: ReaderMessage = self.object
        action = request.POST.get("action")
        if action == "archive":
            services.message_archive(message=message)
            messages.success(request, _("The message is archived."))
        elif action == "restore":
            services.message_restore(message=message)
            messages.success(request, _("The message is back in the inbox."))
        elif action == "reply":
            form = ReplyForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(reply_form=form), status=400)
            services.message_reply(
                message=message, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your reply is on its way to %s.") % message.email)
        return redirect(request.path)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        message: ReaderMessage = self.object
        context.update(
            reader_message=message,
            replies=message.replies.select_related("author", "mail"),
            reply_form=kwargs.get("reply_form") or ReplyForm(),
            publish_url=reverse("inbox:edit", args=[message.pk]),
        )
        return context


class ReaderMessageViewSet(ModelViewSet):
    index_view_class = SafeExportIndexView
    model = ReaderMessage
    icon = "openquote"
    menu_label = gettext_lazy("Readers' messages")
    add_to_admin_menu = True
    menu_order = 240
    inspect_view_enabled = True
    inspect_view_class = MessageView
    list_display = [
        TitleColumn("name", label=gettext_lazy("Name"), url_name="inbox:inspect"),
        "essay",
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column("consent", label=gettext_lazy("Publication"), accessor="get_consent_display"),
        Column(
            "published", label=gettext_lazy("Published on the essay"), accessor=yes_no("published")
        ),
        "created_at",
    ]
    list_filter = ["status", "essay", "consent", "published", "created_at"]
    search_fields = ["name", "email", "organisation", "text"]
    list_export = [
        "created_at",
        "essay",
        "name",
        "email",
        "organisation",
        "text",
        "status",
        "consent",
        "consent_text",
        "consent_withdrawn_at",
        "published",
        "public_title",
        "public_text",
    ]
    export_filename = "readers-messages"
    edit_handler = ObjectList(
        [
            FieldPanel("published"),
            FieldPanel("public_title"),
            FieldPanel("public_text"),
            FieldPanel("public_order"),
        ],
        base_form_class=PublishForm,
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        # The export's consent columns come from each message's consent: read in one query.
        return ReaderMessage.objects.select_related("essay").prefetch_related("consents")


class UnreadSummaryItem(SummaryItem):
    """On the dashboard, next to the page count: how many messages nobody has opened yet."""

    order = 150
    template_name = "inbox/admin/unread_summary.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "unread": ReaderMessage.objects.filter(status=ReaderMessage.Status.NEW).count(),
            "index_url": reverse("inbox:index") + "?status=new",
        }


@hooks.register("register_admin_viewset")
def register_viewset() -> ReaderMessageViewSet:
    return ReaderMessageViewSet("inbox")


@hooks.register("construct_homepage_summary_items")
def add_unread_summary(request: HttpRequest, items: list[SummaryItem]) -> None:
    items.append(UnreadSummaryItem(request))
