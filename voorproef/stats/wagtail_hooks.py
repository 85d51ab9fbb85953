from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import admin_views
from .models import Step
from .services import counts_fold, report


@hooks.register("register_admin_urls")
def register_urls() -> list[Any]:
    return [path("statistieken/", admin_views.dashboard, name="stats_dashboard")]


@hooks.register("register_admin_menu_item")
def register_menu_item() -> MenuItem:
    return MenuItem(_("Statistics"), reverse("stats_dashboard"), icon_name="time", order=240)


class StatsSummaryPanel(Component):
    """The site's last 7 days on the admin's home page."""

    name = "stats_summary"
    order = 140
    template_name = "stats/admin/summary_panel.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        counts_fold(include_current=True)  # what this process holds is shown at once
        end = timezone.localdate()
        result = report(page_id=None, start=end - timedelta(days=6), end=end)
        return {
            "result": result,
            "steps": [
                (str(step.label), result.totals.get(step, 0))
                for step in (Step.VISITOR, Step.VIEW, Step.LEAD, Step.PDF)
            ],
        }


@hooks.register("construct_homepage_panels")
def add_summary(request: HttpRequest, panels: list[Component]) -> None:
    panels.append(StatsSummaryPanel())
