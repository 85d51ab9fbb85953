"""Every address that holds a reader's (or editor's) key, as the links to them look: found in
the URL patterns (a parameter named like a key), plus the commenter's key in `?reactie=`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

KEY_PARAMETERS = frozenset({"token", "key", "uidb64"})
ESSAY = "/nieuw-publiek-werken/"
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class KeyedUrl:
    url: str  # as sent: path and query, percent-encoded
    keys: tuple[str, ...]  # what must not reach a log, encoded or not
    route: str  # the pattern it was made from, to say which one failed


def _walk(resolver: URLResolver, prefix: str, plain: bool) -> Iterator[tuple[str, bool, Any]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        is_plain = plain and isinstance(entry.pattern, RoutePattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route, is_plain)
        elif isinstance(entry, URLPattern):
            yield route, is_plain, entry


def keyed_urls() -> list[KeyedUrl]:
    found = []
    for number, (route, plain, entry) in enumerate(_walk(get_resolver(), "", True)):
        names = set(entry.pattern.regex.groupindex)
        if not names & KEY_PARAMETERS:
            continue
        assert plain, f"{route}: a regex route with a key; give it a sample link here"
        keys: list[str] = []

        def sample(match: re.Match[str], keys: list[str] = keys, number: int = number) -> str:
            if match["name"] in KEY_PARAMETERS:
                keys.append(f"Sleutel{number}x{len(keys)}-Ab_9")
                return keys[-1]
            return "7" if match["converter"] == "int" else "lijst"

        found.append(KeyedUrl("/" + _PARAMETER.sub(sample, route), tuple(keys), route))
    assert len(found) >= 10, "the URL patterns were not all found"
    # As services.author_key makes them: the comment's id, a time stamp and a signature.
    commenter, stamp, signature = "12:1uGeheim:Handtekening-Van-De-Reactie", "1uGeheim", "Handt"
    for url in [
        f"{ESSAY}?reactie={quote(commenter)}",
        f"{ESSAY}?pagina=2&reactie={quote(commenter)}&antwoord=3",
        f"{ESSAY}reacties/2/?reactie={quote(commenter)}",
        f"{ESSAY}reacties/12/bewerken/?reactie={quote(commenter)}",
        f"{ESSAY}reacties/12/verwijderen/?reactie={quote(commenter)}",
    ]:
        found.append(KeyedUrl(url, (stamp, signature), "?reactie="))
    return found
