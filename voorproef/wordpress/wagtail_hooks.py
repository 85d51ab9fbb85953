from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_urls() -> list[Any]:
    return [
        path("wordpress/", views.start, name="wordpress_import"),
        path("wordpress/<int:pk>/", views.detail, name="wordpress_import_run"),
        path("wordpress/<int:pk>/progress/", views.progress, name="wordpress_import_progress"),
        path("wordpress/<int:pk>/import/", views.confirm, name="wordpress_import_confirm"),
    ]


class _ImportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(views.PERMISSION))


@hooks.register("register_settings_menu_item")
def register_menu_item() -> MenuItem:
    return _ImportMenuItem(
        _("Move from WordPress"), reverse("wordpress_import"), icon_name="download", order=900
    )
