from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from voorproef.core import guards
from voorproef.core.http import private
from voorproef.core.ip import client_ip, ip_truncate

from . import services
from .forms import MessageForm

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage


def _form_page(
    request: HttpRequest,
    essay: FeaturePage,
    form: MessageForm,
    *,
    message: str = "",
    status: int = 400,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "inbox/form_page.html",
        {"page": essay, "message_form": form, "message": message},
        status=status,
    )


def message_submit(request: HttpRequest, essay: FeaturePage) -> HttpResponseBase:
    """The experience form's POST, routed from the essay page."""
    form = MessageForm(request.POST)
    form_page = partial(_form_page, request, essay, form)
    if refusal := guards.public_post(request, form, name="message", form_page=form_page):
        return refusal
    services.message_create(
        essay=essay,
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        organisation=form.cleaned_data["organisation"],
        text=form.cleaned_data["text"],
        consent=form.consent,
        consent_text=form.consent_text,
        ip_network=ip_truncate(client_ip(request)),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return redirect(essay.url + essay.reverse_subpage("message_sent"))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def consent_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """From the editors' reply mail: GET shows a button, POST withdraws the consent."""
    message = services.message_by_withdraw_token(token)
    if message is None:
        raise Http404
    context = {"page": message.essay, "reader_message": message}
    if request.method == "POST":
        if guards.origin_check(request):
            return private(HttpResponse(status=403))
        services.message_consent_withdraw(message=message)
        return redirect("inbox_consent_withdraw", token=token)
    return private(TemplateResponse(request, "inbox/withdraw.html", context))
