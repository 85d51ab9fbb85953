from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from voorproef.core.forms import email_field, email_normalise


class AccessForm(forms.Form):
    """The reader's address, to mail them a link to what is held about it."""

    email = email_field()

    def clean_email(self) -> str:
        return email_normalise(self.cleaned_data["email"])


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase everything you hold about this address."),
        error_messages={"required": _("Tick the box to confirm that everything may go.")},
    )
    delete_comments = forms.BooleanField(
        label=_("Delete my comments as well, instead of keeping them without my name."),
        required=False,
    )


class EditorEraseForm(EraseForm):
    """The same, in the words of an editor acting for a reader."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["confirm"].label = _("Yes, erase everything held about this address.")
        self.fields["delete_comments"].label = _("The reader asked to delete their comments too.")


class EditorLookupForm(forms.Form):
    """An editor answers a request that came by mail or post."""

    email = email_field()
    received_on = forms.DateField(
        label=_("Request received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("How the request came in (“letter of 3 May”). No names or addresses."),
    )

    def clean_note(self) -> str:
        note = str(self.cleaned_data["note"])
        if re.search(r"\S@\S", note):
            raise forms.ValidationError(_("The log keeps no addresses: leave the address out."))
        return note

    def clean_email(self) -> str:
        return email_normalise(self.cleaned_data["email"])
