from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from voorproef.core import guards
from voorproef.core.http import private
from voorproef.core.pagecache import mark_cacheable

from . import services
from .forms import AccessForm, EraseForm
from .models import AccessLink, DataRequest, PrivacySettings

_ERASED_SALT = "voorproef.privacy.erased"


def _access_page(
    request: HttpRequest, form: AccessForm, *, message: str = "", status: int = 200
) -> TemplateResponse:
    return TemplateResponse(
        request, "privacy/access.html", {"form": form, "message": message}, status=status
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def access_request(request: HttpRequest) -> HttpResponseBase:
    """'Mijn gegevens': an address in, a link to what is held about it out, by mail."""
    if request.method != "POST":
        return mark_cacheable(_access_page(request, AccessForm()))
    form = AccessForm(request.POST)
    form_page = partial(_access_page, request, form, status=400)
    if refusal := guards.public_post(request, form, name="privacy", form_page=form_page):
        return refusal
    services.access_link_send(email=form.cleaned_data["email"])
    return redirect("privacy_access_sent")


def access_sent(request: HttpRequest) -> HttpResponseBase:
    return mark_cacheable(TemplateResponse(request, "privacy/access_sent.html"))


def _link_or_refusal(request: HttpRequest, token: str) -> AccessLink | HttpResponse:
    link = services.access_link_read(token)
    if link is None or link.expired:
        return private(
            TemplateResponse(
                request,
                "privacy/link_invalid.html",
                {"expired": link is not None},
                status=404 if link is None else 410,
            )
        )
    return link


def _overview_page(
    request: HttpRequest,
    holdings: services.Holdings,
    token: str,
    *,
    erase_form: EraseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "holdings": holdings,
        "token": token,
        "erase_form": erase_form or EraseForm(),
        "comments_deletable": PrivacySettings.load().comments_deletable,
        "sections": holdings.sections(),
        "done": services.withdrawal_message(request.GET.get("gedaan", "")) or "",
        "export_kinds": services.export_file_names().items(),
        "retention_days": settings.RETENTION_NETWORK_DAYS,
    }
    return private(TemplateResponse(request, "privacy/overview.html", context, status=status))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def overview(request: HttpRequest, token: str) -> HttpResponse:
    """What is held about the address the link was mailed to. GET shows it; each button
    POSTs: withdraw a consent, erase it all."""
    link = _link_or_refusal(request, token)
    if isinstance(link, HttpResponse):
        return link
    holdings = services.holdings_find(link.email)
    if request.method != "POST":
        return _overview_page(request, holdings, token)
    if guards.origin_check(request):
        return private(HttpResponse(status=403))

    action = request.POST.get("action", "")
    if action != "erase":
        done = services.consent_withdraw(holdings=holdings, action=action, post=request.POST)
        if done is None:
            return _overview_page(request, holdings, token, status=400)
        return redirect(f"{request.path}?gedaan={done}")
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _overview_page(request, holdings, token, erase_form=form, status=400)
    entry = services.holdings_erase(
        email=link.email,
        delete_comments=form.cleaned_data["delete_comments"],
        channel=DataRequest.Channel.READER,
        access_link=link,
    )
    # Answered with a redirect, so a reload or the back button does not post again; the
    # numbers go along signed (nothing else: the data they counted is gone). None: a second
    # click erased nothing more.
    done = reverse("privacy_erased")
    if entry is not None:
        done += "?" + urlencode({"n": signing.dumps(entry.summary, salt=_ERASED_SALT)})
    return redirect(done)


@require_http_methods(["GET", "HEAD"])
def erased(request: HttpRequest) -> HttpResponse:
    """What the erasure did, from the numbers the overview sent along."""
    try:
        summary = signing.loads(request.GET.get("n", ""), salt=_ERASED_SALT)
    except signing.BadSignature:
        summary = None
    if not isinstance(summary, dict):
        summary = None
    receipt = services.erasure_receipt(summary) if summary else []
    return private(TemplateResponse(request, "privacy/erased.html", {"receipt": receipt}))


def _export_response(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)


def _exported(kind: str) -> None:
    services.data_request_log(
        kind=DataRequest.Kind.EXPORT, channel=DataRequest.Channel.READER, summary={kind: 1}
    )


@require_http_methods(["GET"])
def export_json(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_refusal(request, token)
    if isinstance(link, HttpResponse):
        return link
    content = services.holdings_json(services.holdings_find(link.email))
    _exported("json")
    return _export_response(
        content,
        "application/json; charset=utf-8",
        f"mijn-{services.COPY_JSON_NAME}",
    )


@require_http_methods(["GET"])
def export_csv(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    names = services.export_file_names()
    if kind not in names:
        raise Http404
    link = _link_or_refusal(request, token)
    if isinstance(link, HttpResponse):
        return link
    content = services.holdings_csv(services.holdings_find(link.email), kind)
    _exported(kind)
    name = names[kind]
    return _export_response(content, "text/csv; charset=utf-8", f"{name}.csv")
