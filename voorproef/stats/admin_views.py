"""The editors' statistics: per essay or for the site, over a chosen period."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from voorproef.core.spreadsheets import csv_delimiter

from .charts import funnel_svg, lines_svg
from .models import SITE, DailyCount, Step
from .services import Report, counts_fold, report

PERIODS = (
    ("7", gettext_lazy("Last 7 days")),
    ("30", gettext_lazy("Last 30 days")),
    ("90", gettext_lazy("Last 90 days")),
    ("365", gettext_lazy("Last year")),
    ("all", gettext_lazy("Since publication")),
)
DAILY_STEPS = tuple(Step)
LINE_STEPS = (Step.VISITOR, Step.VIEW, Step.LEAD, Step.PDF)


def counted_pages() -> list[Page]:
    ids = DailyCount.objects.filter(page_id__gt=SITE).values_list("page_id", flat=True)
    return list(Page.objects.filter(pk__in=ids.distinct()).order_by("title"))


class PeriodForm(forms.Form):
    page = forms.TypedChoiceField(label=gettext_lazy("Page"), coerce=int, required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)

    def __init__(self, *args: Any, pages: list[Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(SITE, _("The whole site"))] + [(page.pk, page.title) for page in pages]
        self.fields["page"].choices = choices  # type: ignore[attr-defined]


def period_dates(period: str, page: Page | None) -> tuple[date, date]:
    end = timezone.localdate()
    if period == "all":
        first = page.first_published_at if page is not None else None
        if first is not None:
            return min(timezone.localdate(first), end), end
        earliest = DailyCount.objects.order_by("day").values_list("day", flat=True).first()
        return (earliest or end), end
    return end - timedelta(days=int(period) - 1), end


def daily_table(result: Report) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Day"), *(str(step.label) for step in DAILY_STEPS)]]
    for day, counts in result.days:
        rows.append([day.isoformat(), *(counts.get(step, 0) for step in DAILY_STEPS)])
    return rows


def _csv(result: Report, name: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, delimiter=csv_delimiter()).writerows(daily_table(result))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{name}.csv"'
    return response


def dashboard(request: HttpRequest) -> HttpResponse:
    counts_fold(include_current=True)  # what this process holds is shown at once
    pages = counted_pages()
    form = PeriodForm(request.GET or None, pages=pages)
    page_id, period = SITE, "30"
    if form.is_valid():
        page_id = form.cleaned_data["page"] or SITE
        period = form.cleaned_data["period"] or "30"
    elif form.is_bound:
        form = PeriodForm(pages=pages)  # unknown values: the default view, not an error
    page = next((p for p in pages if p.pk == page_id), None)
    start, end = period_dates(period, page)
    result = report(page_id=page.pk if page else None, start=start, end=end)
    name = page.slug if page else "site"
    if request.GET.get("format") == "csv":
        return _csv(result, f"{name}-{start.isoformat()}-{end.isoformat()}")
    days = [day for day, _counts in result.days]
    series = [
        (str(step.label), [counts.get(step, 0) for _day, counts in result.days])
        for step in LINE_STEPS
    ]
    title = page.title if page else _("The whole site")
    return TemplateResponse(
        request,
        "stats/admin/dashboard.html",
        {
            "form": form,
            "page": page,
            "subject": title,
            "result": result,
            "start": start,
            "end": end,
            "period": period,
            "page_id": page_id,
            "funnel_chart": funnel_svg(title=_("Funnel: %s") % title, rows=result.funnel),
            "daily_chart": lines_svg(title=_("Per day: %s") % title, days=days, series=series),
            "line_steps": [str(step.label) for step in LINE_STEPS],
            "line_rows": [
                (day, [counts.get(step, 0) for step in LINE_STEPS]) for day, counts in result.days
            ],
            "extra_steps": [
                (str(step.label), result.totals.get(step, 0))
                for step in (
                    Step.VIEW,
                    Step.PDF_AGAIN,
                    Step.NEWSLETTER,
                    Step.MESSAGE,
                    Step.COMMENT,
                )
            ],
        },
    )
