from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="cog")
class SiteSettings(BaseGenericSetting):
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

    panels = [FieldPanel("publisher_name"), FieldPanel("tagline"), FieldPanel("footer_text")]

    class Meta:
        verbose_name = _("site settings")
