"""Charts drawn on the server as SVG: nothing to load from anywhere, nothing to run in the
editor's browser. Each is an image with a title; the table beside it holds the numbers for
screen readers (and for reading them exactly)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Wagtail's admin colours where they exist; each series also has its own dash pattern, so
# the lines differ without colour too.
SERIES_STYLES = (
    ("#007d7e", ""),
    ("#2e1f5e", "6 3"),
    ("#cd4444", "2 3"),
    ("#b35c00", "8 3 2 3"),
)


def funnel_svg(*, title: str, rows: list[tuple[str, str, int, float | None]]) -> SafeString:
    width, bar_height, gap, label_width = 640, 28, 22, 190
    top = max((count for _step, _label, count, _lost in rows), default=0) or 1
    height = len(rows) * (bar_height + gap)
    parts = []
    for i, (_step, label, count, lost) in enumerate(rows):
        y = i * (bar_height + gap)
        length = round((width - label_width - 60) * count / top)
        parts.append(
            format_html(
                '<text x="0" y="{}" class="vp-chart__label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#007d7e"></rect>'
                '<text x="{}" y="{}" class="vp-chart__value">{}</text>',
                y + bar_height * 0.7,
                label,
                label_width,
                y,
                max(length, 1),
                bar_height,
                label_width + max(length, 1) + 8,
                y + bar_height * 0.7,
                count,
            )
        )
        if lost is not None and round(lost * 100) and i:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="vp-chart__drop">−{}%</text>',
                    label_width,
                    y - 6,
                    round(lost * 100),
                )
            )
    return format_html(
        '<svg class="vp-chart" role="img" viewBox="0 -20 {} {}" width="100%">'
        "<title>{}</title>{}</svg>",
        width,
        height + 20,
        title,
        SafeString("".join(parts)),
    )


def lines_svg(*, title: str, days: list[date], series: list[tuple[str, list[int]]]) -> SafeString:
    width, height, left, bottom, right = 720, 260, 44, 28, 12
    plot_w, plot_h = width - left - right, height - bottom - 10
    top = max((max(values, default=0) for _name, values in series), default=0) or 1
    step = plot_w / max(len(days) - 1, 1)

    def point(i: int, value: int) -> str:
        return f"{left + i * step:.1f},{10 + plot_h - plot_h * value / top:.1f}"

    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"'
        ' stroke-dasharray="{}"></polyline>',
        (
            (
                " ".join(point(i, v) for i, v in enumerate(values)),
                SERIES_STYLES[n % len(SERIES_STYLES)][0],
                SERIES_STYLES[n % len(SERIES_STYLES)][1] or "none",
            )
            for n, (_name, values) in enumerate(series)
        ),
    )
    offsets, x = [], left
    for name, _values in series:
        offsets.append(x)
        x += 44 + 8 * len(name)  # the line, a gap and the label at about 8 units a letter
    legend = format_html_join(
        "",
        '<g transform="translate({},0)"><line x1="0" y1="-8" x2="22" y2="-8" stroke="{}"'
        ' stroke-width="2.5" stroke-dasharray="{}"></line>'
        '<text x="28" y="-4" class="vp-chart__label">{}</text></g>',
        (
            (
                offsets[n],
                SERIES_STYLES[n % len(SERIES_STYLES)][0],
                SERIES_STYLES[n % len(SERIES_STYLES)][1] or "none",
                name,
            )
            for n, (name, _values) in enumerate(series)
        ),
    )
    axes = format_html(
        '<line x1="{l}" y1="10" x2="{l}" y2="{b}" stroke="#8c8c8c"></line>'
        '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#8c8c8c"></line>'
        '<text x="{tx}" y="16" class="vp-chart__axis" text-anchor="end">{top}</text>'
        '<text x="{tx}" y="{b}" class="vp-chart__axis" text-anchor="end">0</text>'
        '<text x="{l}" y="{lb}" class="vp-chart__axis">{first}</text>'
        '<text x="{r}" y="{lb}" class="vp-chart__axis" text-anchor="end">{last}</text>',
        l=left,
        b=10 + plot_h,
        r=left + plot_w,
        tx=left - 6,
        top=top,
        lb=height - 6,
        first=date_format(days[0], "MONTH_DAY_FORMAT") if days else "",
        last=date_format(days[-1], "MONTH_DAY_FORMAT") if days else "",
    )
    return format_html(
        '<svg class="vp-chart" role="img" viewBox="0 -24 {} {}" width="100%"><title>{}</title>'
        "{}{}{}</svg>",
        width,
        height + 24,
        title,
        legend,
        axes,
        lines,
    )
