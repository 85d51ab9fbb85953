from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from voorproef.essays.models import HomePage


def _parents() -> Any:
    """Pages essays may be placed under."""
    return Page.objects.type(HomePage)


class ImportForm(forms.Form):
    export = forms.FileField(
        label=_("WordPress export (XML, or a ZIP of several)"),
        help_text=_("In WordPress: Tools → Export → All content."),
    )
    uploads = forms.FileField(
        label=_("Uploads (ZIP, optional)"),
        required=False,
        help_text=_(
            "A ZIP of the folder wp-content/uploads, for the images. Without it, the text "
            "comes without its images, and the report lists them."
        ),
    )
    parent = forms.ModelChoiceField(
        label=_("Place the essays under"),
        queryset=Page.objects.none(),
        empty_label=None,
    )
    include_spam = forms.BooleanField(
        label=_("Also import comments marked as spam or trashed"), required=False
    )
    include_pings = forms.BooleanField(
        label=_("Also import pingbacks and trackbacks"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _parents()
