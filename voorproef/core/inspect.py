"""The editors' detail pages speak the admin's language: an empty field is a dash and a yes/no
field says so in words, never Python's None, True or False."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from wagtail.admin.views.generic import InspectView
from wagtail.snippets.views.snippets import InspectView as SnippetInspectView


class _PlainValuesMixin:
    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        value = super().get_field_display_value(field_name, field)  # type: ignore[misc]
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return value


class PlainInspectView(_PlainValuesMixin, InspectView):
    pass


class PlainSnippetInspectView(_PlainValuesMixin, SnippetInspectView):
    pass


def yes_no(field: str) -> Any:
    """A list column's accessor for a yes/no field: the word, not True/False."""
    return lambda row: gettext("yes") if getattr(row, field) else gettext("no")
