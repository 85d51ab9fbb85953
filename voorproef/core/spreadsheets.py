"""Exports that editors open in a spreadsheet. A reader's name or text that starts like a
formula ("=HYPERLINK(…)") would run as one when the CSV is opened; such a cell starts with a
quote instead, which spreadsheets show as text. (Wagtail's XLSX export marks such cells as
text already; its CSV export does not.)"""

from __future__ import annotations

from typing import Any

from wagtail.admin.views.generic import IndexView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _SafeCsvMixin:
    FORMAT_CSV: str

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)  # type: ignore[misc]
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value


class SafeExportIndexView(_SafeCsvMixin, IndexView):
    pass


class SafeExportSnippetIndexView(_SafeCsvMixin, SnippetIndexView):
    pass
