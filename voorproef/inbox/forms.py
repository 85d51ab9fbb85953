from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from voorproef.core.forms import PersonForm, PlainTextField, line_clean

from .models import ReaderMessage

TEXT_MAX_LENGTH = 5000


class MessageForm(PersonForm):
    organisation = forms.CharField(
        label=_("Organisation or role"),
        max_length=200,
        required=False,
        error_messages={
            "max_length": _("This can be at most %(limit_value)d characters long."),
            "null_characters_not_allowed": _("This contains characters that are not allowed."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    text = PlainTextField(
        label=_("Your experience"),
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "required": _("Please write your experience."),
            "max_length": _(
                "Your experience can be at most %(limit_value)d characters long; "
                "it is %(show_value)d now."
            ),
            "null_characters_not_allowed": _("Your text contains characters that are not allowed."),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    publish = forms.BooleanField(
        label=_("You may publish my experience on this page"), required=False
    )
    publish_as = forms.ChoiceField(
        label=_("Publish it"),
        choices=[
            (ReaderMessage.Consent.WITH_NAME, _("with my name")),
            (ReaderMessage.Consent.WITHOUT_NAME, _("without my name")),
        ],
        required=False,
        # Chosen already when the box is ticked: without the name, the choice that gives away
        # least.
        initial=ReaderMessage.Consent.WITHOUT_NAME,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose with or without your name.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the download form on the same page has a name and an email too.
        kwargs.setdefault("auto_id", "message_%s")
        super().__init__(*args, **kwargs)

    def clean_organisation(self) -> str:
        return line_clean(
            self.cleaned_data["organisation"],
            message=str(_("Your organisation or role contains characters that are not allowed.")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("publish") and not data.get("publish_as"):
            self.add_error("publish_as", _("Choose whether we may mention your name."))
        return data

    @property
    def consent(self) -> str:
        """What the writer agreed to: nothing unless the box is ticked."""
        if not self.cleaned_data.get("publish"):
            return ReaderMessage.Consent.NONE
        return str(self.cleaned_data["publish_as"])

    @property
    def consent_text(self) -> str:
        if not self.consent:
            return ""
        choice = dict(self.fields["publish_as"].choices)[self.consent]  # type: ignore[attr-defined]
        return f"{self.fields['publish'].label}: {choice}"


class ReplyForm(forms.Form):
    text = PlainTextField(
        label=_("Your reply"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write a reply first.")},
    )


class PublishForm(WagtailAdminModelForm):
    """The editors' form for putting a message on the essay: consent decides what is possible."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message: ReaderMessage = self.instance
        if not message.public_text:
            self.initial["public_text"] = message.text
        published = self.fields["published"]
        if not message.consent:
            published.disabled = True
            published.help_text = _("The writer did not consent to publication.")
        elif message.consent == ReaderMessage.Consent.WITH_NAME:
            published.help_text = _("The writer agreed to publication with their name: %s.") % (
                message.public_name
            )
        else:
            published.help_text = _(
                "The writer agreed to publication without their name: it is not shown. "
                "Take out of the text whatever would give them away."
            )
