"""Exports that editors open in a spreadsheet without help.

- A CSV opens in Excel as it is: UTF-8 with a byte-order mark (else Excel reads it as the
  Windows code page), and on a Dutch site separated by semicolons (a Dutch Excel takes the comma
  for the decimal sign and shows every row in one column).
- Times are the site's local time, to the second, as the admin shows them: real dates in XLSX.
- A reader's name or text that starts like a formula ("=HYPERLINK(…)") would run as one when the
  CSV is opened; such a cell starts with a quote instead, which spreadsheets show as text.
  (Wagtail's XLSX export marks such cells as text already; its CSV export does not.)
- The XLSX export holds any text a reader typed."""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.mixins import Echo, list_to_str
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# What XML 1.0, so an XLSX file, cannot hold: most control characters, lone surrogates and the
# non-characters U+FFFE and U+FFFF. One such character in a reader's name would otherwise make
# every export of the list fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XLSX_CELL_MAX = 32767  # what Excel shows of a cell; it calls a file with more damaged


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_safe(value: Any) -> Any:
    """A cell an XLSX file can hold, what it cannot shown as U+FFFD (�)."""
    if not isinstance(value, str):
        return value
    value = _NOT_XML.sub("\ufffd", value)
    if len(value) > _XLSX_CELL_MAX:
        value = value[: _XLSX_CELL_MAX - 1] + "…"
    return value


def local_time(value: datetime.datetime) -> datetime.datetime:
    """A stored time as the admin shows it: local, to the second, without a zone (which XLSX
    cannot hold)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0, tzinfo=None)


def csv_delimiter() -> str:
    return ";" if settings.LANGUAGE_CODE.startswith("nl") else ","


class _SafeExportMixin:
    FORMAT_CSV: str
    FORMAT_XLSX: str
    list_export: list[str]
    custom_value_preprocess = {
        datetime.datetime: {
            "xlsx": local_time,
            "csv": lambda value: local_time(value).isoformat(sep=" "),
        },
        (datetime.date, datetime.time): {"xlsx": None},
        list: {"csv": list_to_str, "xlsx": list_to_str},
    }

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)  # type: ignore[misc]
        if export_format == self.FORMAT_XLSX:
            return xlsx_safe(value)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value

    def stream_csv(self, queryset: Any) -> Iterator[bytes]:
        view: Any = self
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=csv_delimiter())
        headings = {field: view.get_heading(queryset, field) for field in self.list_export}
        yield "\ufeff".encode() + writer.writerow(headings)  # Echo gives UTF-8 bytes
        for item in queryset:
            yield view.write_csv_row(writer, view.to_row_dict(item))

    def write_csv_response(self, queryset: Any) -> Any:
        response = super().write_csv_response(queryset)  # type: ignore[misc]
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class SafeExportIndexView(_SafeExportMixin, IndexView):
    table_classname = "listing vp-cards"  # cards on a phone: core/static/core/css/admin.css


class SafeExportSnippetIndexView(_SafeExportMixin, SnippetIndexView):
    table_classname = "listing vp-cards"
