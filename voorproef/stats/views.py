from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from voorproef.core.ip import client_ip, ip_truncate

from .services import hit_parse, hit_record, hit_welcome


def _no_content() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # sends nothing back and changes nothing a reader sees; no cookie to protect
@require_POST
def hit(request: HttpRequest) -> HttpResponse:
    """The beacon, where the app answers it (behind the shipped nginx, nginx answers it and
    writes it down for the scheduler: stats.services.beacon_files_fold). Its fields come in
    the query string; a page from before they moved there sends them as a form."""
    fields = request.GET if "kind" in request.GET else request.POST
    hit = hit_parse(
        {key: fields.get(key, "") for key in ("kind", "page", "path", "referrer", "query")}
    )
    if hit is None:
        return HttpResponseBadRequest("page and kind (view or form) are needed", "text/plain")
    headers = request.headers
    if hit_welcome(
        gpc=headers.get("Sec-GPC", ""),
        dnt=headers.get("DNT", ""),
        fetch_site=headers.get("Sec-Fetch-Site", ""),
    ):
        hit_record(
            hit,
            ip_network=ip_truncate(client_ip(request)),
            user_agent=headers.get("User-Agent", "")[:300],
            host=request.get_host(),
        )
    return _no_content()
