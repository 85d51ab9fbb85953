from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import views as wagtail_views

from .guards import rate_limit_hit
from .ip import client_limit_unit

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: the database does not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def media_image(request: HttpRequest, path: str) -> HttpResponseBase:
    """Image renditions, for a site without a web server in front. Only `images/`: documents
    and original uploads are never served from here."""
    from django.views.static import serve

    response = serve(request, path, document_root=str(settings.MEDIA_ROOT / "images"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def page_password(
    request: HttpRequest, page_view_restriction_id: int, page_id: int
) -> HttpResponseBase:
    """Wagtail's form for a page's password, with guessing slowed down: a network may try a
    page's password PAGE_PASSWORD_TRIES_PER_HOUR times an hour (an IPv4 address, an IPv6 /64)."""
    if request.method == "POST" and rate_limit_hit(
        "page-password",
        f"{client_limit_unit(request)}:{page_view_restriction_id}",
        limit=settings.PAGE_PASSWORD_TRIES_PER_HOUR,
        seconds=3600,
    ):
        logger.warning("page password refused: too many tries")
        return HttpResponse(
            _("Too many tries. Wait an hour, then try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
