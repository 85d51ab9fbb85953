from __future__ import annotations

import csv
import json
import sys
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from wagtail.models import Page

from voorproef.stats.models import Step
from voorproef.stats.services import report, stats_fold


class Command(BaseCommand):
    help = (
        "Print the statistics of an essay (by its slug), or of the whole site: per day and "
        "step, then the referrers and campaigns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="The essay's slug; none for the whole site.")
        parser.add_argument("--days", type=int, default=30, help="Days back from today (30).")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args: Any, slug: str | None, days: int, format: str, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days must be 1 or more")
        page = None
        if slug:
            page = Page.objects.filter(slug=slug).first()
            if page is None:
                raise CommandError(f"no page with the slug {slug!r}")
        stats_fold(include_current=True)  # what ended; the scheduler may not have run yet
        end = timezone.localdate()
        result = report(
            page_id=page.pk if page else None, start=end - timedelta(days=days - 1), end=end, top=50
        )
        steps = [step.value for step in Step]
        daily = [
            {"day": day.isoformat(), **{s: c.get(s, 0) for s in steps}} for day, c in result.days
        ]
        referrers = [{"referrer": r, "visitors": v, "requests": n} for r, v, n in result.referrers]
        campaigns = [
            {"source": s, "medium": m, "campaign": c, "visitors": v, "requests": n}
            for s, m, c, v, n in result.campaigns
        ]
        if format == "json":
            data = {
                "page": slug or None,
                "start": result.start.isoformat(),
                "end": result.end.isoformat(),
                "totals": {s: result.totals.get(s, 0) for s in steps},
                "conversion": result.conversion,
                "days": daily,
                "referrers": referrers,
                "campaigns": campaigns,
            }
            self.stdout.write(json.dumps(data, indent=2))
        elif format == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["day", *steps])
            writer.writerows([row["day"], *(row[s] for s in steps)] for row in daily)
            writer.writerow([])
            writer.writerow(["referrer", "visitors", "requests"])
            writer.writerows(result.referrers)
            writer.writerow([])
            writer.writerow(["source", "medium", "campaign", "visitors", "requests"])
            writer.writerows(result.campaigns)
        else:
            self._table(["day", *steps], [[r["day"], *(r[s] for s in steps)] for r in daily])
            self._table(["referrer", "visitors", "requests"], [list(r) for r in result.referrers])
            self._table(
                ["source", "medium", "campaign", "visitors", "requests"],
                [list(c) for c in result.campaigns],
            )

    def _table(self, head: list[str], rows: list[list[Any]]) -> None:
        widths = [max(len(str(v)) for v in column) for column in zip(head, *rows, strict=False)]
        for row in [head, *rows]:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)).rstrip()
            )
        self.stdout.write("")
        sys.stdout.flush()
