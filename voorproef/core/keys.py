"""Keys: the random tokens of personal links (made, and stored only as a hash), digests keyed
with the site's secret, and addresses with their keys masked for logs and for editors' eyes."""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import unquote, unquote_plus

from django.utils.crypto import salted_hmac


def token_new() -> tuple[str, str]:
    """A personal link's key (192 bits) and the hash that is stored in its place."""
    raw = secrets.token_urlsafe(24)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    """What is stored of a key: enough to find it again, useless to whoever reads the table."""
    return hashlib.sha256(raw.encode()).hexdigest()


def keyed_digest(purpose: str, value: str) -> str:
    """A short digest of a value (an address, a network, an account name) that only this site
    can make: for cache keys that must not hold the value itself."""
    return salted_hmac(f"voorproef.{purpose}", value, algorithm="sha256").hexdigest()[:32]


MASK = "[key]"

# The routes whose address holds a secret key: each group is one key. The <token>s of the apps'
# urls.py and Django's password reset in the admin; tests/deploy/test_access_log.py fails when a
# route with a key parameter is added without a line here (and in deploy/nginx/voorproef.conf).
_KEYED_PATHS = [
    re.compile(r"/+download/+([^/]+)"),
    re.compile(r"/+nieuwsbrief/+(?:bevestigen|afmelden)/+([^/]+)"),
    re.compile(r"/+reacties/+(?:beoordelen|afmelden)/+([^/]+)"),
    re.compile(r"/+ervaring/+intrekken/+([^/]+)"),
    re.compile(r"/+mijn-gegevens/+(?!(?:verstuurd|gewist)(?:/|$))([^/]+)"),
    re.compile(r"/+admin/+password_reset/+confirm/+([^/]+)/+([^/]+)"),
]
# Query parameters that carry neither a key (`reactie` does) nor anything a person typed (an
# editor's search for a reader's address): every other value is masked.
SAFE_PARAMETERS = frozenset({"pagina", "antwoord", "nieuw", "gedaan"})

# An address in a log message: a path after a space, quote, bracket or colon, or a whole URL.
_URI_IN_TEXT = re.compile(
    r"""(?<![^\s"'(\[=:,])(?P<origin>https?://[^/\s"'<>]+)?"""
    r"""(?P<path>/[^\s?#"'<>)]*)(?P<query>\?[^\s#"'<>)]*)?"""
)


def mask_path(path: str) -> str:
    """The (decoded) path with the key of a personal link replaced by MASK."""
    for pattern in _KEYED_PATHS:
        if match := pattern.match(path):
            parts, end = [], 0
            for group in range(1, pattern.groups + 1):
                start, stop = match.span(group)
                parts += [path[end:start], MASK]
                end = stop
            return "".join(parts) + path[end:]
    return path


def mask_query(query: str) -> str:
    """The raw query string with every value but the harmless ones replaced by MASK."""
    parts = []
    for part in query.split("&"):
        name, has_value, _ = part.partition("=")
        if unquote_plus(name) in SAFE_PARAMETERS or not part:
            parts.append(part)
        else:
            parts.append(f"{name}={MASK}" if has_value else MASK)
    return "&".join(parts)


def mask_uri(path: str, query: str = "") -> str:
    return mask_path(path) + (f"?{mask_query(query)}" if query else "")


def mask_text(text: str) -> str:
    """A log message with the keys masked in every address it quotes."""

    def _masked(match: re.Match[str]) -> str:
        path, query = unquote(match["path"]), (match["query"] or "")[1:]
        masked_path = mask_path(path)
        return "".join(
            [
                match["origin"] or "",
                masked_path if masked_path != path else match["path"],
                f"?{mask_query(query)}" if query else (match["query"] or ""),
            ]
        )

    return _URI_IN_TEXT.sub(_masked, text)
