from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from voorproef.core import guards
from voorproef.core.http import private
from voorproef.core.ip import client_ip, ip_truncate

from . import services
from .forms import DownloadForm
from .models import DownloadRequest

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage

logger = logging.getLogger(__name__)


def _form_page(
    request: HttpRequest,
    essay: FeaturePage,
    form: DownloadForm,
    *,
    message: str = "",
    status: int = 400,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "downloads/form_page.html",
        {"page": essay, "download_form": form, "message": message},
        status=status,
    )


def download_submit(request: HttpRequest, essay: FeaturePage) -> HttpResponseBase:
    """The download form's POST, routed from the essay page."""
    form = DownloadForm(request.POST, newsletter_text=essay.newsletter_text)
    form_page = partial(_form_page, request, essay, form)
    if refusal := guards.public_post(request, form, name="download", form_page=form_page):
        return refusal

    download, raw = services.download_request_create(
        essay=essay,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        newsletter=form.cleaned_data.get("newsletter", False),
        ip_network=ip_truncate(client_ip(request)),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if download.mode == DownloadRequest.Mode.DIRECT:
        return redirect(reverse("download_landing", args=[raw]) + "?nieuw=1", permanent=False)
    return redirect(essay.url + essay.reverse_subpage("download_sent"))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def download_landing(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link. GET shows the download (or, to confirm the address first, a
    button); POST confirms. Safe to open as often as a mail scanner likes."""
    download = services.download_request_by_token(token)
    if download is None:
        raise Http404
    context = {
        "download": download,
        "page": download.essay,
        "token": token,
        "new": "nieuw" in request.GET,
    }
    if download.expired:
        return private(TemplateResponse(request, "downloads/expired.html", context, status=410))
    if request.method == "POST":
        if guards.origin_check(request):
            return private(HttpResponse(status=403))
        services.download_confirm(request=download)
        return redirect("download_landing", token=token)
    return private(TemplateResponse(request, "downloads/landing.html", context))


@require_http_methods(["GET", "HEAD"])
def download_file(request: HttpRequest, token: str) -> HttpResponse:
    download = services.download_request_by_token(token)
    if download is None:
        raise Http404
    if not download.may_download:
        return redirect("download_landing", token=token)
    if request.method == "HEAD":  # link checkers: no copy made, no download counted
        head = HttpResponse(content_type="application/pdf")
        head["Content-Disposition"] = f'attachment; filename="{download.essay.slug}.pdf"'
        return private(head)
    try:
        data = services.download_serve(request=download)
    except services.PdfNotReady:
        response = TemplateResponse(
            request, "downloads/not_ready.html", {"page": download.essay}, status=503
        )
        response["Retry-After"] = "30"
        return private(response)
    pdf = HttpResponse(data, content_type="application/pdf")
    pdf["Content-Disposition"] = f'attachment; filename="{download.essay.slug}.pdf"'
    return private(pdf)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """From the mail only: GET shows a button, POST confirms the subscription. The link lives
    as long as the download link it came with."""
    download = services.newsletter_request_by_token(token)
    if download is None:
        raise Http404
    if download.expired:
        context = {"download": download, "page": download.essay}
        return private(TemplateResponse(request, "downloads/expired.html", context, status=410))
    if request.method == "POST":
        if guards.origin_check(request):
            return private(HttpResponse(status=403))
        if not services.newsletter_confirm(raw_token=token):
            raise Http404
        return private(
            TemplateResponse(
                request, "downloads/newsletter_confirmed.html", {"page": download.essay}
            )
        )
    return private(
        TemplateResponse(request, "downloads/newsletter_confirm.html", {"page": download.essay})
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No more newsletter. GET shows a button; POST acts, including the one-click POST a mail
    program sends (RFC 8058) without browser headers: it only ever turns mail off."""
    consent = services.newsletter_unsubscribe_read(token)
    if consent is None:
        raise Http404
    done = request.method == "POST"
    if done:
        services.newsletter_unsubscribe(consent=consent)
    return private(
        TemplateResponse(request, "downloads/newsletter_unsubscribe.html", {"done": done})
    )
