"""Timing of every public form for an address the site knows and one it has never seen: a
visitor who could tell them apart by the clock would learn who is a reader.

Run with `make bench`. Prints a table and writes var/bench/enumeration.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from itertools import count
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")
os.environ.update(
    FORM_MIN_SECONDS="0",
    FORM_POSTS_PER_IP_PER_HOUR="1000000",
    FORM_POSTS_PER_EMAIL_PER_HOUR="1000000",
    DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY="1000000",
    PRIVACY_MAILS_PER_ADDRESS_PER_DAY="1000000",
)
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from voorproef.comments.models import CommentSettings  # noqa: E402
from voorproef.core.guards import form_token_new  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
ESSAY = "/nieuw-publiek-werken/"
FORMS = {
    "download": (ESSAY + "download/", {"name": "Anna"}),
    "message": (ESSAY + "bericht/", {"name": "Anna", "text": "Een ervaring."}),
    "my data": ("/mijn-gegevens/", {}),
    # Each comment its own text: the same text twice is refused as a duplicate.
    "comment": (ESSAY + "reacties/plaatsen/", {"name": "Anna", "text": "Reactie {n}."}),
}
_posts = count()


def _time(client: Client, path: str, fields: dict[str, str], email: str) -> float:
    n = next(_posts)
    data = {
        "form_token": form_token_new(),
        "homepage": "",
        "email": email,
        **{key: value.format(n=n) for key, value in fields.items()},
    }
    started = time.perf_counter()
    response = client.post(path, data, headers={"Sec-Fetch-Site": "same-origin"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, (path, response.status_code)
    return elapsed * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    # A first comment held and a later one not tells known from unknown by design (see
    # docs/security.md); with that rule off, nothing else may.
    comment_settings = CommentSettings.load()
    held_first = comment_settings.require_prior_approval
    comment_settings.require_prior_approval = False
    comment_settings.save()
    try:
        _bench()
    finally:
        comment_settings.require_prior_approval = held_first
        comment_settings.save()


def _bench() -> None:
    client = Client(SERVER_NAME="127.0.0.1", SERVER_PORT="8000")  # SITE_URL's host
    known = "bekend@example.nl"
    for path, fields in FORMS.values():  # the known address is known everywhere
        _time(client, path, fields, known)
    fresh = count()
    results: dict[str, dict[str, Any]] = {}
    for name, (path, fields) in FORMS.items():
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for _ in range(RUNS):  # alternating, so drift hits both alike
            cache.clear()
            timings["known"].append(_time(client, path, fields, known))
            cache.clear()
            timings["unknown"].append(_time(client, path, fields, f"nieuw{next(fresh)}@example.nl"))
        results[name] = {
            kind: {
                "median_ms": round(statistics.median(values), 2),
                "p90_ms": round(statistics.quantiles(values, n=10)[-1], 2),
            }
            for kind, values in timings.items()
        }
        results[name]["difference_ms"] = round(
            results[name]["unknown"]["median_ms"] - results[name]["known"]["median_ms"], 2
        )

    print(f"{'form':<10} {'known (median)':>15} {'unknown (median)':>17} {'difference':>11}")
    for name, row in results.items():
        print(
            f"{name:<10} {row['known']['median_ms']:>12.2f} ms"
            f" {row['unknown']['median_ms']:>14.2f} ms {row['difference_ms']:>8.2f} ms"
        )
    out = Path(__file__).resolve().parents[1] / "var" / "bench" / "enumeration.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": RUNS, "forms": results}, indent=2))


if __name__ == "__main__":
    main()
