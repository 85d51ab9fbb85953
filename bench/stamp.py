"""Stamping a personal copy of a 50-page essay: pikepdf (what Voorproef uses) against pypdf.

Run with `make bench`. Prints a table and writes var/bench/stamp.json.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")
django.setup()

import pypdf  # noqa: E402
from weasyprint import HTML  # noqa: E402

from voorproef.downloads.pdf import _overlay, pdf_page_count, pdf_personal_copy  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
NAME = "Zoë de Vries-Çelik"


def _base_pdf(pages: int = 50) -> bytes:
    paragraph = "<p>" + "Het kraakt en het piept in het lokaal bestuur. " * 60 + "</p>"
    body = "".join(f"<h2>Hoofdstuk {n}</h2>{paragraph}" for n in range(1, 200))
    html = f"<html><body style='font: 11pt serif'>{body}</body></html>"
    data = bytes(HTML(string=html).write_pdf())
    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pypdf_copy(base: bytes) -> bytes:
    stamp_pdf = io.BytesIO()
    _overlay(f"Persoonlijk exemplaar voor {NAME}").save(stamp_pdf)
    stamp = pypdf.PdfReader(io.BytesIO(stamp_pdf.getvalue())).pages[0]
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(base)))
    for page in writer.pages:
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _measure(label: str, make: object, base: bytes, runs: int) -> dict[str, object]:
    timings, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(make(base))  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "library": label,
        "runs": runs,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "size_ratio": round(size / len(base), 3),
    }


def main() -> None:
    base = _base_pdf()
    pages = pdf_page_count(base)
    for _ in range(3):  # warm up fonts and caches
        pdf_personal_copy(base=base, reader_name=NAME, title="Bench")
    results = [
        _measure(
            "pikepdf",
            lambda b: pdf_personal_copy(base=b, reader_name=NAME, title="Bench"),
            base,
            RUNS,
        ),
        _measure("pypdf", _pypdf_copy, base, max(10, RUNS // 10)),
    ]
    print(f"Stamping a personal copy of a {pages}-page PDF ({len(base) // 1024} KiB)")
    print(f"{'library':<10}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'size ×':>9}")
    for r in results:
        print(
            f"{r['library']:<10}{r['runs']:>6}{r['median_ms']:>12}{r['p95_ms']:>10}"
            f"{r['size_ratio']:>9}"
        )
    out = Path(__file__).resolve().parents[1] / "var" / "bench"  # beside load.json, which reads it
    out.mkdir(parents=True, exist_ok=True)
    (out / "stamp.json").write_text(json.dumps({"pages": pages, "results": results}, indent=2))


if __name__ == "__main__":
    main()
