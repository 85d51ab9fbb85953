"""Wagtail's page routing, remembered: which page (and which of its sub-routes) an address leads
to, and the page itself as it was read, so that a request for an essay or a form post to it reads
neither the site and the whole path of the page tree (five queries) nor the page (a wide row: its
text) each time, nor which view restrictions apply to it (two queries: almost always none). Each
request gets its own copy of the page.

What is remembered is keyed by the page cache's generation of the pages, which a publish, an
unpublish, a move, a deleted page, a changed site or view restriction bumps
(core/signal_handlers.py), and a new comment does not: after any of these the next request walks
the tree again. Each process keeps its own small table."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from wagtail import views as wagtail_views
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site

from .pagecache import pages_generation

_SIZE = 2000


@dataclass(frozen=True)
class _Route:
    site: Site
    page: Page  # as read when the route was found; never served itself, only copies of it
    rest: tuple[str, ...]  # what the page itself routes (a sub-route of a routable page)
    restrictions: tuple[int, ...]  # the view restrictions on the page and its ancestors


_routes: dict[tuple[str, str, str, str], _Route] = {}
# The pages the routes lead to, one copy of each however many of its addresses were asked for.
_pages: dict[tuple[str, int], Page] = {}


def resolvers_build() -> None:
    """Builds each routable page model's table of sub-routes (an essay's form posts, its PDF)
    now, before the first request. Wagtail builds it on first use and stores it on the model's
    class; two threads of a freshly started process doing that at once have one storing it
    while the other reads the class's attributes ("dictionary changed size during iteration"):
    a 500 for a reader in the first burst after a deploy."""
    for model in apps.get_models():
        if issubclass(model, RoutablePageMixin):
            model.get_resolver()  # type: ignore[attr-defined]  # (Wagtail has no types)


def _key(request: HttpRequest, path: str) -> tuple[str, str, str, str]:
    return (pages_generation(), request._get_raw_host(), request.get_port(), path)  # type: ignore[attr-defined]


def _remember(key: tuple[str, str, str, str], request: HttpRequest, path: str) -> None:
    result = Page.route_for_request(request, path)
    site = getattr(request, "_wagtail_site", None)
    if result is None or site is None:
        return
    page = result[0]
    components = [part for part in path.split("/") if part]
    root_depth = len([part for part in site.root_page.url_path.split("/") if part])
    own = len([part for part in page.url_path.split("/") if part]) - root_depth
    if not page.live or own < 0 or own > len(components):
        return
    generation = key[0]
    if len(_routes) >= _SIZE or any(older != generation for older, _ in list(_pages)):
        routes_forget()  # a crawler's many addresses, or what the pages were before a change
    kept = _pages.setdefault((generation, page.pk), copy.copy(page))
    restrictions = tuple(page.get_view_restrictions().values_list("pk", flat=True))
    _routes[key] = _Route(site, kept, tuple(components[own:]), restrictions)


def _recall(key: tuple[str, str, str, str], request: HttpRequest) -> bool:
    route = _routes.get(key)
    if route is None:
        return False
    page = copy.copy(route.page)
    try:
        result = page.route(request, list(route.rest))
    except Http404:
        return False
    if result is None or result[0].pk != page.pk:
        return False
    # Wagtail's check before serving asks the page which restrictions apply; this copy answers
    # from the route. Still a query set, read afresh (one query) when there are any, so a
    # changed group or password counts at once. None (nearly every site) costs no query, and
    # is an empty set that is already read: Django's empty set is compiled each time it is
    # iterated, only to find it has nothing to ask (a filter on no ids even more so), 3-4 % of
    # a form post's CPU.
    ids = route.restrictions

    def view_restrictions() -> QuerySet[PageViewRestriction]:
        if ids:
            return PageViewRestriction.objects.filter(pk__in=ids)
        none = PageViewRestriction.objects.none()
        none._result_cache = []  # what iterating it would find, found (Django's own attribute)
        return none

    result[0].get_view_restrictions = view_restrictions
    request._wagtail_site = route.site  # type: ignore[attr-defined]
    request._wagtail_route_for_request = result  # type: ignore[attr-defined]
    return True


def serve(request: HttpRequest, path: str) -> HttpResponseBase:
    """Wagtail's `serve`, with the route remembered: what comes after (the page's own serve,
    privacy restrictions and the other `before_serve_page` hooks) is Wagtail's, unchanged."""
    key = _key(request, path)
    if not _recall(key, request):
        _remember(key, request, path)
    response: Any = wagtail_views.serve(request, path)
    return response


def routes_forget() -> None:
    """For tests that change pages without a commit (and so without a purge)."""
    _routes.clear()
    _pages.clear()
