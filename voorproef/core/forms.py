"""Fields every public form shares: a reader's name, their address, and plain text."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from .mailserver import international_addresses_deliverable

# Bidirectional overrides and isolates reorder text on screen; a name never needs them.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_TEXT_CONTROLS_ALLOWED = {"\n", "\t"}


def line_clean(value: str, *, message: str) -> str:
    """One line of text as it will be shown: spaces collapsed; control characters and
    bidirectional overrides, which a name or a role never needs, refused with `message`."""
    line = " ".join(value.split())
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in line):
        raise forms.ValidationError(message)
    return line


def _noncharacter(ch: str) -> bool:
    """Code points Unicode keeps out of text for good (U+FFFE, U+FDD0…) and lone surrogates:
    no font draws them and XML, so a spreadsheet, cannot hold them."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE or 0xD800 <= code <= 0xDFFF


def visible(text: str) -> bool:
    """Whether the text shows anything: a letter, digit, punctuation mark or symbol. Spaces,
    format characters (U+200B, U+FEFF) and marks on nothing do not count."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


def name_clean(value: str) -> str:
    """A name as it is stored and printed on the reader's PDF: NFC, one line, without
    non-characters; blank when nothing in it would show."""
    name = unicodedata.normalize("NFC", "".join(ch for ch in value if not _noncharacter(ch)))
    name = line_clean(name, message=str(_("Your name contains characters that are not allowed.")))
    return name if visible(name) else ""


def email_normalise(value: str, *, max_length: int = 254) -> str:
    try:
        result = validate_email(
            value.strip(), check_deliverability=settings.EMAIL_CHECK_DELIVERABILITY
        )
    except EmailNotValidError:
        raise forms.ValidationError(
            _("This is not a valid email address. Check it for typing errors.")
        ) from None
    if not result.local_part.isascii() and not international_addresses_deliverable():
        raise forms.ValidationError(
            _(
                "Our mail server cannot deliver to an address with letters such as é or ж "
                "before the @. Please use another email address."
            ),
            code="international",
        )
    # Lower case as a whole: providers ignore the case of the local part in practice, and one
    # address must count once against the per-address limits.
    normalised = str(result.normalized).lower()
    if len(normalised) > max_length:  # some letters grow when lower-cased ("İ" → "i̇")
        raise forms.ValidationError(
            _("An email address can be at most %(limit_value)d characters long.")
            % {"limit_value": max_length}
        )
    return normalised


class PlainTextField(forms.CharField):
    """Free text as a reader typed it. Line breaks count as one character each, as the
    browser counts them for `maxlength`; control characters other than tab and newline
    are refused."""

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if any(
            unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS_ALLOWED for ch in value
        ):
            raise forms.ValidationError(
                _("Your text contains characters that are not allowed."), code="control"
            )


def name_field(max_length: int = 100) -> forms.CharField:
    return forms.CharField(
        label=_("Name"),
        max_length=max_length,
        error_messages={
            "required": _("Please fill in your name."),
            "max_length": _("Your name can be at most %(limit_value)d characters long."),
            "null_characters_not_allowed": _("Your name contains characters that are not allowed."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def email_field(max_length: int = 254) -> forms.CharField:
    return forms.CharField(
        label=_("Email address"),
        max_length=max_length,
        error_messages={
            "required": _("Please fill in your email address."),
            "max_length": _("An email address can be at most %(limit_value)d characters long."),
            "null_characters_not_allowed": _(
                "This is not a valid email address. Check it for typing errors."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class PersonForm(forms.Form):
    """Name and email address, with the limits and messages every form uses."""

    name = name_field()
    email = email_field()

    def clean_name(self) -> str:
        typed = self.cleaned_data["name"]
        name = name_clean(typed)
        if not name and typed:
            raise forms.ValidationError(
                _("Your name needs at least one visible letter or digit."), code="invisible"
            )
        if not name:
            raise forms.ValidationError(_("Please fill in your name."))
        field = self.fields["name"]
        limit = field.max_length if isinstance(field, forms.CharField) else None
        if limit and len(name) > limit:  # a few letters grow in NFC ("क़" is two code points)
            raise forms.ValidationError(
                _("Your name can be at most %(limit_value)d characters long.")
                % {"limit_value": limit}
            )
        return name

    def clean_email(self) -> str:
        field = self.fields["email"]
        limit = field.max_length if isinstance(field, forms.CharField) else None
        return email_normalise(self.cleaned_data["email"], max_length=limit or 254)
