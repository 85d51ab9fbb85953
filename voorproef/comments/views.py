from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from voorproef.core import guards
from voorproef.core.http import private
from voorproef.core.ip import client_ip, ip_truncate

from . import services
from .forms import CommentEditForm, CommentForm
from .models import Comment, CommentSettings
from .params import AUTHOR_KEY_PARAM

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage


def _form_page(
    request: HttpRequest,
    essay: FeaturePage,
    form: CommentForm,
    *,
    message: str = "",
    status: int = 400,
) -> HttpResponse:
    parent = None
    if form.is_bound and re.fullmatch(r"[0-9]{1,18}", str(form.data.get("parent", ""))):
        parent = essay.comments.filter(
            pk=int(form.data["parent"]), status=Comment.Status.APPROVED
        ).first()
    return TemplateResponse(
        request,
        "comments/form_page.html",
        {"page": essay, "comment_form": form, "message": message, "reply_to": parent},
        status=status,
    )


def comment_submit(request: HttpRequest, essay: FeaturePage) -> HttpResponseBase:
    """The comment form's POST, routed from the essay page."""
    form = CommentForm(request.POST)
    form_page = partial(_form_page, request, essay, form)
    site = CommentSettings.load()
    if not services.comments_open(essay, site):
        return form_page(message=_("Comments on this essay are closed."), status=403)
    if refusal := guards.public_post(request, form, name="comment", form_page=form_page):
        return refusal
    parent = None
    if parent_id := form.cleaned_data.get("parent"):
        parent = essay.comments.filter(pk=parent_id, status=Comment.Status.APPROVED).first()
        if parent is None or parent.depth >= site.thread_depth:
            form.add_error(None, _("You cannot reply to this comment."))
            return form_page()
    email = form.cleaned_data["email"]

    ip = client_ip(request)
    try:
        comment = services.comment_create(
            essay=essay,
            parent=parent,
            name=form.cleaned_data["name"],
            email=email,
            url=form.cleaned_data["url"],
            text=form.cleaned_data["text"],
            notify_replies=form.cleaned_data["notify"],
            notify_text=str(form.fields["notify"].label),
            ip=ip,
            ip_network=ip_truncate(ip),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except services.CommentRefused as refused:
        guards.refusal_log("comment", refused.reason, request)
        message = {
            409: _("This comment has been posted already."),
            429: _("You are commenting too fast. Wait a moment and send it again."),
        }[refused.status]
        return _form_page(request, essay, form, message=message, status=refused.status)

    return redirect(_landing(essay, comment))


def _landing(essay: FeaturePage, comment: Comment) -> str:
    """Where the author goes after posting or editing: the essay with the key that shows a
    held comment to them (and lets them edit for ten minutes). The essay then shows the page
    of the discussion that holds the comment, found among the threads it reads anyway: not
    counted here, where counting the threads before a new comment cost a post more of the
    database's time than all its other statements, and more with every comment."""
    path = services.comments_page_path(essay, 1)
    return f"{path}?{AUTHOR_KEY_PARAM}={services.author_key(comment)}#{comment.anchor}"


def _own_comment(request: HttpRequest, essay: FeaturePage, pk: int) -> Comment | HttpResponse:
    """The comment the key in the address opens for its author, or the page that says the
    time for changes is over (or the key is not theirs: the answer is the same)."""
    key = request.GET.get(AUTHOR_KEY_PARAM, "")
    comment = essay.comments.filter(pk=pk).first()
    if comment is None or not services.author_may_edit(comment, key):
        closed = TemplateResponse(request, "comments/edit_closed.html", {"page": essay}, status=403)
        return private(closed)
    return comment


def _cross_site(request: HttpRequest, what: str) -> HttpResponse | None:
    if reason := guards.origin_check(request):
        guards.refusal_log(what, reason, request)
        return private(HttpResponse(status=403))
    return None


def comment_edit(request: HttpRequest, essay: FeaturePage, pk: int) -> HttpResponse:
    """The author's edit, for ten minutes after posting, with the key from their link."""
    comment = _own_comment(request, essay, pk)
    if isinstance(comment, HttpResponse):
        return comment
    data = request.POST if request.method == "POST" else None
    form = CommentEditForm(data, initial={"text": comment.text})
    if request.method == "POST":
        if refused := _cross_site(request, "comment edit"):
            return refused
        if form.is_valid():
            services.comment_edit(
                comment=comment,
                text=form.cleaned_data["text"],
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            return redirect(_landing(essay, comment))
    context = {
        "page": essay,
        "comment": comment,
        "form": form,
        "key": request.GET[AUTHOR_KEY_PARAM],
    }
    status = 400 if form.errors else 200
    return private(TemplateResponse(request, "comments/edit.html", context, status=status))


def comment_delete(request: HttpRequest, essay: FeaturePage, pk: int) -> HttpResponse:
    comment = _own_comment(request, essay, pk)
    if isinstance(comment, HttpResponse):
        return comment
    if request.method == "POST":
        if refused := _cross_site(request, "comment delete"):
            return refused
        services.comment_delete(comment=comment)
        return private(TemplateResponse(request, "comments/deleted.html", {"page": essay}))
    context = {"page": essay, "comment": comment, "key": request.GET[AUTHOR_KEY_PARAM]}
    return private(TemplateResponse(request, "comments/delete.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def comment_moderate(request: HttpRequest, token: str) -> HttpResponse:
    """One-click moderation from the mail: GET shows the comment and a button, POST acts.
    Acting twice changes nothing the second time."""
    found = services.moderation_token_read(token)
    if found is None:
        raise Http404
    comment, status = found
    context: dict[str, Any] = {
        "page": comment.essay,
        "comment": comment,
        "status": status,
        "status_label": Comment.Status(status).label,
        "done": False,
    }
    if request.method == "POST":
        if refused := _cross_site(request, "comment moderation"):
            return refused
        services.comment_moderate(comment=comment, status=status)
        context["done"] = True
        if status == Comment.Status.APPROVED:
            context["comment_url"] = services.comment_url(comment)
    return private(TemplateResponse(request, "comments/moderate.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def comment_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No more reply mails. POST acts, including the one-click POST a mail program sends
    (RFC 8058), which carries no browser headers: it only ever turns mail off."""
    comment_id = services.unsubscribe_token_read(token)
    if comment_id is None:
        raise Http404
    done = request.method == "POST"
    if done:
        services.replies_unsubscribe(comment_id=comment_id)
    return private(TemplateResponse(request, "comments/unsubscribe.html", {"done": done}))
