from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import EVENTS, Webhook
from .services import webhook_check


class WebhookForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "For a webhook. Laposta and Mailchimp get only newsletter consents, their "
            "withdrawal and erasures."
        ),
    )

    class Meta:
        model = Webhook
        fields = ["name", "kind", "url", "events", "list_id", "active", "allow_private"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if not getattr(user, "is_superuser", False):
            # Reaching the internal network is the operator's decision, not every editor's.
            del self.fields["allow_private"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        instance: Webhook = self.instance
        for name in ("name", "kind", "url", "list_id", "active", "allow_private"):
            if name in data:
                setattr(instance, name, data[name])
        instance.events = [e for e in EVENTS if e in data.get("events", [])]
        if instance.is_connector:
            instance.events = []
        try:
            webhook_check(webhook=instance)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data
