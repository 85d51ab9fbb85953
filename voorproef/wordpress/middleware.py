from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

# WordPress's addresses by number: /?p=123 (any post), /?page_id=45, /?attachment_id=6.
_KEYS = ("p", "page_id", "attachment_id")


class OldAddressMiddleware:
    """WordPress's short links (`/?p=123`) name the home page, which exists here, so Wagtail's
    redirects (which answer only what would be a 404) never see them. This answers them from
    the same redirects, before the page or its cache does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in {"GET", "HEAD"} and any(
            request.GET.get(key, "").isdigit() for key in _KEYS
        ):
            path = Redirect.normalise_path(request.get_full_path())
            site = Site.find_for_request(request)
            redirect = (
                Redirect.get_for_site(site)
                .filter(old_path=path)
                .select_related("redirect_page")
                .first()
            )
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
