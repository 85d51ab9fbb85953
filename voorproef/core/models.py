from __future__ import annotations

import copy
from typing import Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Site

from .pagecache import pages_generation


class NotContent:
    """For rows that readers and the system write (requests, consents, comments, messages, logs),
    not content that editors link to: Wagtail's reference index skips them. It would otherwise
    queue a task for every row saved and list readers' rows among the "usages" of an essay."""

    wagtail_reference_index_ignore = True


# Each public setting as this process last read it, with the generation of the pages it was read
# in: (generation, row).
_public_settings: dict[type[models.Model], tuple[str, Any]] = {}


class PublicSettings(BaseGenericSetting):
    """Site-wide settings that public pages show or follow (the site's name, the comment rules).
    Saving one is a change to the pages: every page is rendered afresh (core/signal_handlers.py).
    Until then each process reads them once, not once or twice in every request."""

    class Meta:
        abstract = True

    @classmethod
    def load(cls, request_or_site: Any = None) -> Self:
        # As Wagtail's: given a request, the same object all through it (and what it has read
        # through its foreign keys, such as the privacy statement's page).
        request = None if isinstance(request_or_site, Site) else request_or_site
        attr = cls.get_cache_attr_name()
        if request is not None and hasattr(request, attr):
            return getattr(request, attr)
        generation = pages_generation()
        kept = _public_settings.get(cls)
        if kept is None or kept[0] != generation:
            kept = (generation, super().load())
            _public_settings[cls] = kept
        # A copy: a caller may change its own without changing the others'.
        loaded: Self = copy.copy(kept[1])
        if request is not None:
            setattr(request, attr, loaded)
        return loaded


def public_settings_forget(model: type[models.Model]) -> None:
    """Read this setting afresh next time: it was saved in this process."""
    _public_settings.pop(model, None)


@register_setting(icon="cog")
class SiteSettings(PublicSettings):
    """What the site says about itself, editable by editors."""

    publisher_name = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation that publishes the essays; shown in the footer and to search engines."
        ),
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked from every form that asks for personal data."),
    )
    mail_from_name = models.CharField(
        _("sender name"), max_length=100, blank=True, help_text=_("Defaults to the site name.")
    )
    mail_from_address = models.EmailField(
        _("sender address"),
        blank=True,
        help_text=_("The address mail comes from. Defaults to the DEFAULT_FROM_EMAIL setting."),
    )
    mail_reply_to = models.EmailField(
        _("reply-to address"), blank=True, help_text=_("Where readers' replies to mail go.")
    )
    editors_email = models.EmailField(
        _("editors' address"),
        blank=True,
        help_text=_("Mail for the editors goes here. Defaults to the EDITORS_EMAIL setting."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("publisher_name"),
                FieldPanel("tagline"),
                FieldPanel("footer_text"),
                FieldPanel("privacy_page"),
            ],
            _("The site"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("mail_from_name"),
                FieldPanel("mail_from_address"),
                FieldPanel("mail_reply_to"),
                FieldPanel("editors_email"),
            ],
            _("Mail"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")
