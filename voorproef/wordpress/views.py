"""The editors' import page: upload, see the dry run's report, then import; both run in the
background while the page shows their progress."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ImportForm
from .models import ImportRun
from .report import report_rows
from .runs import import_run_confirm, import_run_create

PERMISSION = "wordpress.add_importrun"


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise Http404


def start(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = import_run_create(
            user=request.user,
            export=form.cleaned_data["export"],
            uploads=form.cleaned_data["uploads"],
            parent=form.cleaned_data["parent"],
            include_spam=form.cleaned_data["include_spam"],
            include_pings=form.cleaned_data["include_pings"],
        )
        return redirect("wordpress_import_run", run.pk)
    return TemplateResponse(
        request,
        "wordpress/start.html",
        {"form": form, "runs": ImportRun.objects.select_related("parent")[:10]},
        status=400 if form.errors else 200,
    )


def _state(run: ImportRun) -> dict[str, Any]:
    return {
        "status": run.status,
        "phase": run.phase,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "finished": run.status in {ImportRun.Status.DONE, ImportRun.Status.FAILED},
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(ImportRun.objects.select_related("parent"), pk=pk)
    followed = ImportRun.objects.filter(folder=run.folder, dry_run=False, pk__gt=run.pk).first()
    return TemplateResponse(
        request,
        "wordpress/run.html",
        {
            "run": run,
            "state": _state(run),
            "rows": report_rows(run.report or {}),
            "report": run.report or {},
            "followed": followed,
            "phase_label": {
                "reading": _("Reading the export"),
                "images": _("Images"),
                "posts": _("Posts and comments"),
            }.get(run.phase, run.phase),
        },
    )


def progress(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    return JsonResponse(_state(run))


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk, dry_run=True, status=ImportRun.Status.DONE)
    followed = ImportRun.objects.filter(folder=run.folder, dry_run=False).first()
    if followed is not None:
        return redirect("wordpress_import_run", followed.pk)
    real = import_run_confirm(run=run, user=request.user)
    return redirect("wordpress_import_run", real.pk)
