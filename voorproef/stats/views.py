from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from voorproef.core.ip import client_ip, ip_truncate

from .services import hit_record

_PATH_SECONDS = 60.0
_paths: dict[int, tuple[float, str | None]] = {}


def _page_path(page_id: int, request: HttpRequest) -> str | None:
    """The live page's own address, remembered for a minute in this process: the beacon
    asks no database in the common case."""
    now = time.monotonic()
    known = _paths.get(page_id)
    if known and now - known[0] < _PATH_SECONDS:
        return known[1]
    page = Page.objects.live().filter(pk=page_id).first()
    parts = page.get_url_parts(request) if page else None
    path = parts[2] if parts else None
    if len(_paths) > 10000:
        _paths.clear()
    _paths[page_id] = (now, path)
    return path


def _no_content() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # sends nothing back and changes nothing a reader sees; no cookie to protect
@require_POST
def hit(request: HttpRequest) -> HttpResponse:
    """The beacon: a page view, or the first focus on the download form. Not counted: a
    browser that asks not to be tracked (Do-Not-Track, Global Privacy Control), a request
    from another site, an address that is not the page's own, a bot."""
    if request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1":
        return _no_content()
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return _no_content()
    kind = request.POST.get("kind", "")
    page = request.POST.get("page", "")
    if kind not in ("view", "form") or not page.isdigit() or len(page) > 10:
        return HttpResponseBadRequest("page and kind (view or form) are needed", "text/plain")
    page_id = int(page)
    own = _page_path(page_id, request)
    path = request.POST.get("path", "")
    if own is None or not (path == own if kind == "view" else path.startswith(own)):
        return _no_content()
    hit_record(
        page_id=page_id,
        kind=kind,
        ip_network=ip_truncate(client_ip(request)),
        user_agent=request.headers.get("User-Agent", "")[:300],
        referrer=request.POST.get("referrer", ""),
        query=request.POST.get("query", ""),
        host=request.get_host(),
    )
    return _no_content()
