"""What a feature's page mixin stands on, and what a feature's code calls the page it serves.

A feature (the gate, readers' messages, the discussion) brings its fields, panels and routes
to a page as an abstract model mixed in before `Page`. At run time the mixin is a plain abstract
model, so its columns land in the page's own table; to the type checker it is a page, so the
feature's code may use what every page has (`url`, `title`, `reverse_subpage`, …). A feature's
views and services take the page as a `FeaturePage`: they are called by its mixin's routes, and
naming the mixin there would tie them back to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from wagtail.contrib.routable_page.models import RoutablePageMixin as _Routable
    from wagtail.models import Page as _Page

    class FeaturePage(_Routable, _Page):
        class Meta:
            abstract = True

else:
    FeaturePage = models.Model
