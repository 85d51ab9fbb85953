"""Exports that editors open in a spreadsheet. A reader's name or text that starts like a
formula ("=HYPERLINK(…)") would run as one when the CSV is opened; such a cell starts with a
quote instead, which spreadsheets show as text. (Wagtail's XLSX export marks such cells as
text already; its CSV export does not.) And the XLSX export holds any text a reader typed."""

from __future__ import annotations

import re
from typing import Any

from wagtail.admin.views.generic import IndexView
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


class _SafeExportMixin:
    FORMAT_CSV: str
    FORMAT_XLSX: str

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)  # type: ignore[misc]
        if export_format == self.FORMAT_XLSX:
            return xlsx_safe(value)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value


class SafeExportIndexView(_SafeExportMixin, IndexView):
    pass


class SafeExportSnippetIndexView(_SafeExportMixin, SnippetIndexView):
    pass
