from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, Panel
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from voorproef.core.inspect import PlainSnippetInspectView
from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportSnippetIndexView

from . import services
from .forms import TEXT_MAX
from .models import Comment

# Before any view asks for a policy: Wagtail would otherwise make a default one.
_POLICY = NoAddingPolicy(Comment)
register_permission_policy(Comment, _POLICY)

# With their keys on the list, as in WordPress (a, s, d; j and k move between rows).
_ACTIONS = [
    (Comment.Status.APPROVED, _("Approve"), "a"),
    (Comment.Status.SPAM, _("Spam"), "s"),
    (Comment.Status.TRASH, _("Trash"), "d"),
]


class ModerationColumn(Column):
    """One click per comment, as in WordPress: the states it can be moved to, as buttons."""

    cell_template_name = "comments/admin/moderation_cell.html"

    def get_cell_context_data(self, instance: Comment, parent_context: Any) -> dict[str, Any]:
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["actions"] = [action for action in _ACTIONS if action[0] != instance.status]
        context["may_reply"] = instance.status in (Comment.Status.PENDING, Comment.Status.APPROVED)
        context["next"] = request.get_full_path() if request else ""
        if request is not None:  # a cell is rendered without the request's context
            context["csrf_token"] = get_token(request)
        return context


class CommentContextPanel(Panel):
    """On the edit screen: where the comment stands, who wrote it, when, why it was held, and
    the thread around it."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "comments/admin/context_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            comment = self.instance
            context["comment"] = comment
            context["parent"] = comment.parent
            context["replies"] = list(comment.replies.order_by("created_at"))
            return context


class CommentViewSet(SnippetViewSet):
    """The moderation queue: filter by state and essay, search, bulk approve / spam / trash,
    edit a comment, see why it was held."""

    model = Comment
    index_view_class = SafeExportSnippetIndexView
    icon = "comment"
    menu_label = _("Comments")
    add_to_admin_menu = True
    menu_order = 230
    inspect_view_enabled = True
    inspect_view_class = PlainSnippetInspectView
    inspect_view_fields = [
        "essay",
        "parent",
        "name",
        "email",
        "url",
        "text",
        "status",
        "reason",
        "created_at",
        "edited_at",
        "status_changed_at",
        "ip_network",
        "user_agent",
    ]
    list_display = [
        TitleColumn(
            "text",
            label=_("Comment"),
            accessor="summary",
            url_name="wagtailsnippets_comments_comment:edit",
        ),
        "essay",
        Column("status", label=_("Status"), accessor="get_status_display"),
        "hold_reason",
        "created_at",
        ModerationColumn("moderate", label=_("Moderate")),
    ]
    list_filter = ["status", "essay", "created_at"]
    search_fields = ["name", "email", "url", "text"]
    search_backend_name = None
    list_export = [
        "created_at",
        "essay",
        "name",
        "email",
        "url",
        "text",
        "status",
        "reason",
        "ip_network",
    ]
    export_filename = "comments"
    panels = [
        CommentContextPanel(heading=_("About this comment")),
        FieldPanel("status"),
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("text"),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Comment.objects.select_related("essay").order_by("-created_at")


register_snippet(CommentViewSet)


@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    if not _POLICY.user_has_permission_for_instance(request.user, "change", comment):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in Comment.Status.values:
        return HttpResponseBadRequest()
    services.comment_moderate(comment=comment, status=status)
    messages.success(
        request,
        _("The comment by %(name)s is now: %(status)s.")
        % {"name": comment.name, "status": Comment.Status(status).label},
    )
    return redirect(_next_url(request))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
        help_text=_(
            "Published at once under the comment, marked as the editors' reply and signed with "
            "your name. The writer gets a mail if they asked for one."
        ),
    )


class ReplyView(WagtailAdminTemplateMixin, TemplateView):
    """Answer a comment as the editors, from the list, in one step (WordPress's
    "Beantwoorden"); a comment still held is approved with the reply."""

    template_name = "comments/admin/reply.html"
    page_title = _("Reply as the editors")
    header_icon = "comment"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.comment = get_object_or_404(
            Comment.objects.select_related("essay", "parent"), pk=kwargs["pk"]
        )
        if not _POLICY.user_has_permission_for_instance(request.user, "change", self.comment):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_comments_comment:list"), "label": _("Comments")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ReplyForm())
        context["comment"] = self.comment
        context["next"] = _next_url(self.request)
        context["signed_as"] = services.editors_name(self.request.user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ReplyForm(request.POST)
        if self.comment.status in (Comment.Status.SPAM, Comment.Status.TRASH):
            form.add_error(None, _("Approve this comment first: it is marked as spam or trash."))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        reply = services.comment_reply_as_editors(
            parent=self.comment, editor=request.user, text=form.cleaned_data["text"]
        )
        messages.success(
            request,
            _("Your reply to %(name)s is on the essay.") % {"name": self.comment.name},
            buttons=[messages.button(services.comment_url(reply), _("View"), new_window=True)],
        )
        return redirect(_next_url(request))


def _next_url(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("wagtailsnippets_comments_comment:list")
    return next_url


@hooks.register("register_admin_urls")
def register_moderation_url() -> list[Any]:
    return [
        path("comments/<int:pk>/moderate/", moderate, name="comment_moderate"),
        path("comments/<int:pk>/reply/", ReplyView.as_view(), name="comment_reply"),
    ]


class _StatusBulkAction(SnippetBulkAction):
    status: str = ""
    template_name = "comments/admin/confirm_bulk_status.html"

    models = [Comment]

    def check_perm(self, obj: Comment) -> bool:
        return bool(
            self.permission_policy.user_has_permission_for_instance(
                self.request.user, "change", obj
            )
        )

    @classmethod
    def execute_action(cls, objects: list[Comment], **kwargs: Any) -> tuple[int, int]:
        changed = sum(services.comment_moderate(comment=c, status=cls.status) for c in objects)
        return changed, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return ngettext(
            "%(count)d comment is now: %(status)s.",
            "%(count)d comments are now: %(status)s.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "status": Comment.Status(self.status).label}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status_label"] = Comment.Status(self.status).label
        return context


@hooks.register("register_bulk_action")
class ApproveBulkAction(_StatusBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected comments")
    status = Comment.Status.APPROVED
    action_priority = 10


@hooks.register("register_bulk_action")
class SpamBulkAction(_StatusBulkAction):
    display_name = _("Spam")
    action_type = "spam"
    aria_label = _("Mark the selected comments as spam")
    status = Comment.Status.SPAM
    action_priority = 20


@hooks.register("register_bulk_action")
class TrashBulkAction(_StatusBulkAction):
    display_name = _("Trash")
    action_type = "trash"
    aria_label = _("Move the selected comments to the trash")
    status = Comment.Status.TRASH
    action_priority = 25


class PendingSummaryItem(SummaryItem):
    order = 160
    template_name = "comments/admin/pending_summary.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
            "index_url": reverse("wagtailsnippets_comments_comment:list") + "?status=pending",
        }


@hooks.register("construct_homepage_summary_items")
def add_pending_summary(request: HttpRequest, items: list[SummaryItem]) -> None:
    items.append(PendingSummaryItem(request))


@hooks.register("insert_global_admin_js")
def moderation_keys_js() -> str:
    return str(
        format_html('<script src="{}" defer></script>', static("comments/js/moderation-keys.js"))
    )
