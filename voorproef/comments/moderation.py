"""What happens to a new comment: a chain of small checks, each returning a verdict and a
reason, or None to pass it on. The first verdict wins; a comment that passes them all is
approved. The order is WordPress's: blocked words first, then the reasons to hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Comment, CommentSettings
from .text import link_count


@dataclass(frozen=True)
class Candidate:
    """A comment as posted, with what the request says about its author (the IP address
    in full, which is never stored)."""

    name: str
    email: str
    url: str
    text: str
    ip: str
    user_agent: str


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


Check = Callable[[Candidate, CommentSettings], "Verdict | None"]


def _word_match(words: str, candidate: Candidate) -> str | None:
    """The first of the editors' words found in what the commenter sent; "" when words are
    found only in the IP address, which the reason (kept with the comment) must not repeat."""
    haystack = [
        candidate.name,
        candidate.email,
        candidate.url,
        candidate.text,
        candidate.user_agent,
    ]
    haystack = [h.casefold() for h in haystack]
    ip, in_ip = candidate.ip.casefold(), False
    for line in words.splitlines():
        word = line.strip().casefold()
        if word and any(word in h for h in haystack):
            return line.strip()
        in_ip = in_ip or bool(word and word in ip)
    return "" if in_ip else None


def blocked_words(candidate: Candidate, settings: CommentSettings) -> Verdict | None:
    word = _word_match(settings.blocked_words, candidate)
    if word:
        return Verdict(Comment.Status.SPAM, _("matches the blocked word “%s”") % word)
    if word is not None:
        return Verdict(Comment.Status.SPAM, _("its IP address matches a blocked word"))
    return None


def moderate_all(candidate: Candidate, settings: CommentSettings) -> Verdict | None:
    if settings.moderate_all:
        return Verdict(Comment.Status.PENDING, _("every comment is held for moderation"))
    return None


def too_many_links(candidate: Candidate, settings: CommentSettings) -> Verdict | None:
    count = link_count(candidate.text)
    if count >= settings.max_links:
        return Verdict(Comment.Status.PENDING, _("contains %d links") % count)
    return None


def moderation_words(candidate: Candidate, settings: CommentSettings) -> Verdict | None:
    word = _word_match(settings.moderation_words, candidate)
    if word:
        return Verdict(Comment.Status.PENDING, _("matches the moderation word “%s”") % word)
    if word is not None:
        return Verdict(Comment.Status.PENDING, _("its IP address matches a moderation word"))
    return None


def first_comment(candidate: Candidate, settings: CommentSettings) -> Verdict | None:
    if not settings.require_prior_approval:
        return None
    if Comment.objects.author_known(name=candidate.name, email=candidate.email):
        return None
    return Verdict(Comment.Status.PENDING, _("the author has no approved comment yet"))


CHECKS: list[Check] = [blocked_words, moderate_all, too_many_links, moderation_words, first_comment]


def comment_verdict(candidate: Candidate, settings: CommentSettings | None = None) -> Verdict:
    settings = settings or CommentSettings.load()
    for check in CHECKS:
        if verdict := check(candidate, settings):
            return verdict
    return Verdict(Comment.Status.APPROVED, _("passed every check"))
