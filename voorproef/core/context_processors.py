from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Site

from voorproef.core.pagescripts import page_scripts

_OG_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def site(request: HttpRequest) -> dict[str, Any]:
    wagtail_site = Site.find_for_request(request)
    return {
        "SITE_URL": settings.SITE_URL,
        "site_name": (wagtail_site.site_name if wagtail_site else "") or settings.WAGTAIL_SITE_NAME,
        "og_locale": _OG_LOCALES.get(settings.LANGUAGE_CODE, "nl_NL"),
        "page_scripts": page_scripts(),
    }
