from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def admin_css() -> str:
    return str(format_html('<link rel="stylesheet" href="{}">', static("core/css/admin.css")))


@hooks.register("insert_global_admin_js")
def admin_js() -> str:
    return str(format_html('<script src="{}" defer></script>', static("core/js/admin-cards.js")))
