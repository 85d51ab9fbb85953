"""A comment is plain text. On the page it keeps its paragraphs and line breaks, and its web
addresses become links; everything else is escaped. nh3 has the last word on the HTML."""

from __future__ import annotations

import hashlib
import hmac
import re

import nh3
from django.conf import settings
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

LINK_REL = "nofollow ugc noopener"
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n{2,}")
AVATAR_COLOURS = 8


def link_count(text: str) -> int:
    return len(_LINK.findall(text))


# What urlize would turn into a link: a scheme, "www.", an address, or a bare domain it knows.
_MAYBE_LINK = re.compile(r"://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)\b", re.IGNORECASE)


def _linked(paragraph: str) -> str:
    """urlize, which is slow, only where it may find something; plain escaping elsewhere."""
    if _MAYBE_LINK.search(paragraph):
        return str(urlize(paragraph, nofollow=False, autoescape=True))
    return str(escape(paragraph))


def comment_html(text: str) -> SafeString:
    paragraphs = [p.strip("\n") for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    html = "".join("<p>{}</p>".format(_linked(p).replace("\n", "<br>")) for p in paragraphs)
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
    return mark_safe(cleaned)  # noqa: S308 (escaped by urlize, then sanitised by nh3)


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-_.]+", name) if w and w[0].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_colour(email: str) -> int:
    """A colour per address, keyed with the site's secret so it says nothing of the address."""
    digest = hmac.new(settings.SECRET_KEY.encode(), email.lower().encode(), hashlib.sha256)
    return int.from_bytes(digest.digest()[:2], "big") % AVATAR_COLOURS
