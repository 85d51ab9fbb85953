from __future__ import annotations

from django import forms

from voorproef.core.forms import PersonForm


class DownloadForm(PersonForm):
    newsletter = forms.BooleanField(required=False)

    def __init__(self, *args: object, newsletter_text: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if newsletter_text:
            self.fields["newsletter"].label = newsletter_text
        else:
            del self.fields["newsletter"]
