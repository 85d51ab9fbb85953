"""What a feature's page mixin stands on, and what a feature's code calls the page it serves.

A feature (the gate, readers' messages, the discussion) brings its fields, panels and routes
to a page as an abstract model mixed in before `Page`. At run time the mixin is a plain abstract
model, so its columns land in the page's own table; to the type checker it is a page, so the
feature's code may use what every page has (`url`, `title`, `reverse_subpage`, …). A feature's
views and services take the page as a `FeaturePage`: they are called by its mixin's routes, and
naming the mixin there would tie them back to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

if TYPE_CHECKING:
    from wagtail.contrib.routable_page.models import RoutablePageMixin as _Routable
    from wagtail.models import Page as _Page

    class FeaturePage(_Routable, _Page):
        class Meta:
            abstract = True

else:
    FeaturePage = models.Model


class PageForm(WagtailAdminPageForm):
    """Every page's editor form: a go-live moment newly set in the past is refused with a clear
    message, instead of a draft that says it is scheduled for a moment that has gone by.
    (A schedule set earlier whose moment has since passed still saves: publishing it then
    publishes at once, as Wagtail does.)"""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        go_live_at = cleaned.get("go_live_at")
        if go_live_at and "go_live_at" in self.changed_data and go_live_at <= timezone.now():
            self.add_error(
                "go_live_at",
                _(
                    "This moment has passed. Choose one in the future, or leave it empty and "
                    "publish at once."
                ),
            )
        return cleaned
