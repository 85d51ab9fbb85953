from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from voorproef.core.permissions import NoAddingPolicy
from voorproef.core.spreadsheets import SafeExportSnippetIndexView

from . import services
from .models import Comment

# Before any view asks for a policy: Wagtail would otherwise make a default one.
register_permission_policy(Comment, NoAddingPolicy(Comment))


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
    list_display = [
        TitleColumn(
            "text",
            label=_("Comment"),
            accessor="summary",
            url_name="wagtailsnippets_comments_comment:edit",
        ),
        "essay",
        Column("status", label=_("Status"), accessor="get_status_display"),
        "reason",
        "created_at",
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
        FieldPanel("status"),
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("text"),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Comment.objects.select_related("essay").order_by("-created_at")


register_snippet(CommentViewSet)


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
