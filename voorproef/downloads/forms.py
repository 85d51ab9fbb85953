from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

# Bidirectional overrides and isolates reorder text on screen; a name never needs them.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def name_clean(value: str) -> str:
    name = " ".join(value.split())
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in name):
        raise forms.ValidationError(_("Your name contains characters that are not allowed."))
    return name


def email_normalise(value: str) -> str:
    try:
        result = validate_email(
            value.strip(), check_deliverability=settings.EMAIL_CHECK_DELIVERABILITY
        )
    except EmailNotValidError:
        raise forms.ValidationError(
            _("This is not a valid email address. Check it for typing errors.")
        ) from None
    # Lower case as a whole: providers ignore the case of the local part in practice, and one
    # address must count once against the per-address limits.
    return str(result.normalized).lower()


class DownloadForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={
            "required": _("Please fill in your name."),
            "max_length": _("Your name can be at most %(limit_value)d characters long."),
            "null_characters_not_allowed": _("Your name contains characters that are not allowed."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Please fill in your email address."),
            "max_length": _("An email address can be at most %(limit_value)d characters long."),
            "null_characters_not_allowed": _(
                "This is not a valid email address. Check it for typing errors."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    newsletter = forms.BooleanField(required=False)

    def __init__(self, *args: object, newsletter_text: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if newsletter_text:
            self.fields["newsletter"].label = newsletter_text
        else:
            del self.fields["newsletter"]

    def clean_name(self) -> str:
        name = name_clean(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please fill in your name."))
        return name

    def clean_email(self) -> str:
        return email_normalise(self.cleaned_data["email"])
