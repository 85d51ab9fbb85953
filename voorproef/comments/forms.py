from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from voorproef.core.forms import PersonForm, PlainTextField, email_field, name_field

# WordPress's limits, so a reader who knows that form meets the same ones.
NAME_MAX = 245
EMAIL_MAX = 100
URL_MAX = 200
TEXT_MAX = 65525


class CommentForm(PersonForm):
    name = name_field(NAME_MAX)
    email = email_field(EMAIL_MAX)
    text = PlainTextField(
        label=_("Comment"),
        max_length=TEXT_MAX,
        error_messages={
            "required": _("Please write a comment."),
            "max_length": _(
                "A comment can be at most %(limit_value)d characters long; "
                "this one is %(show_value)d."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    url = forms.CharField(
        label=_("Website"),
        max_length=URL_MAX,
        required=False,
        error_messages={
            "max_length": _("A website address can be at most %(limit_value)d characters long."),
            "null_characters_not_allowed": _("This is not a valid web address."),
        },
        widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )
    remember = forms.BooleanField(
        label=_("Remember my name and email address in this browser"), required=False
    )
    notify = forms.BooleanField(
        label=_("Mail me when someone replies to my comment"), required=False
    )
    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "invalid": _("You cannot reply to this comment."),
            "min_value": _("You cannot reply to this comment."),
        },
    )

    field_order = ["text", "name", "email", "url", "remember", "notify", "parent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url:
            return ""
        if "://" not in url:
            url = f"https://{url}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except forms.ValidationError:
            raise forms.ValidationError(_("This is not a valid web address.")) from None
        if len(url) > URL_MAX:
            raise forms.ValidationError(
                _("A website address can be at most %(limit_value)d characters long."),
                params={"limit_value": URL_MAX},
            )
        return url


class CommentEditForm(forms.Form):
    text = CommentForm.base_fields["text"]
