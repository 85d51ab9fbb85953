from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Sum
from django.test import Client

from voorproef.stats.models import DailyCount
from voorproef.stats.services import counts_fold

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def beacon(
    client: Client,
    page: Any,
    *,
    kind: str = "view",
    ip: str = "198.51.100.7",
    user_agent: str = FIREFOX,
    query: str = "",
    referrer: str = "",
    path: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    fields = {
        "page": str(page.pk),
        "kind": kind,
        "path": page.url if path is None else path,
        "query": query,
        "referrer": referrer,
    }
    # In the query string, as beacon.js sends them (nginx writes them down from there).
    return client.post(
        f"/stats/hit?{urlencode(fields)}",
        headers={"User-Agent": user_agent, "Sec-Fetch-Site": "same-origin", **(headers or {})},
        REMOTE_ADDR=ip,
    )


def counted(step: str, **where: Any) -> int:
    counts_fold(include_current=True)
    return int(DailyCount.objects.filter(step=step, **where).aggregate(n=Sum("count"))["n"] or 0)
