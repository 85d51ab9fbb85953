"""The import's report as people read it: the same words on the command line and in the admin."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voorproef.comments.models import Comment

MAX_PROBLEMS = 500


@dataclass
class Report:
    site: str = ""
    title: str = ""
    wxr_version: str = ""
    dry_run: bool = False
    posts: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    comments: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    images: Counter[str] = field(default_factory=Counter)
    redirects: Counter[str] = field(default_factory=Counter)
    shortcodes: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    recovered: int = 0
    seconds: float = 0.0

    def problem(self, kind: str, message: str, *, wp_id: int = 0, title: str = "") -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"kind": kind, "wp_id": wp_id, "title": title, "message": message})

    def merge(self, other: Report) -> None:
        """Add one post's counts, once that post is in."""
        for post_type, statuses in other.posts.items():
            for status, counts in statuses.items():
                self.posts[post_type][status].update(counts)
        for status, counts in other.comments.items():
            self.comments[status].update(counts)
        self.images.update(other.images)
        self.redirects.update(other.redirects)
        self.shortcodes.update(other.shortcodes)
        self.notes.update(other.notes)
        for problem in other.problems:
            self.problem(**problem)

    def post(self, post_type: str, status: str, action: str) -> None:
        self.posts[post_type or "?"][status or "?"][action] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "title": self.title,
            "wxr_version": self.wxr_version,
            "dry_run": self.dry_run,
            "posts": {t: {s: dict(c) for s, c in v.items()} for t, v in self.posts.items()},
            "comments": {s: dict(c) for s, c in self.comments.items()},
            "images": dict(self.images),
            "redirects": dict(self.redirects),
            "shortcodes": dict(self.shortcodes.most_common()),
            "notes": dict(self.notes),
            "problems": self.problems,
            "problem_count": self.problem_count,
            "recovered": self.recovered,
            "seconds": round(self.seconds, 1),
        }


ACTIONS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "skipped": gettext_lazy("skipped"),
    "failed": gettext_lazy("failed"),
    "missing": gettext_lazy("missing"),
    "conflict": gettext_lazy("conflict"),
    "top-level": gettext_lazy("made top-level"),
}


# The comment statuses by the names moderators know them by here.
_STATUS_LABELS = {
    **dict(Comment.Status.choices),
    Comment.Status.PENDING.value: gettext_lazy("held"),
    "orphans": gettext_lazy("replies without their parent"),
}


# WordPress's own words for what it exports, as an editor here reads them.
_POST_TYPES = {
    "post": gettext_lazy("posts"),
    "page": gettext_lazy("pages"),
    "attachment": gettext_lazy("attachments"),
    "nav_menu_item": gettext_lazy("menu items"),
}
_POST_STATUSES = {
    "publish": gettext_lazy("published"),
    "draft": gettext_lazy("draft"),
    "future": gettext_lazy("scheduled"),
    "pending": gettext_lazy("pending review"),
    "private": gettext_lazy("private"),
    "trash": gettext_lazy("in the trash"),
    "auto-draft": gettext_lazy("automatic draft"),
    "inherit": gettext_lazy("belongs to a post"),
}


def _counts(counts: dict[str, int], why: str = "") -> str:
    text = ", ".join(f"{v} {ACTIONS.get(k, k)}" for k, v in sorted(counts.items()))
    return f"{text} ({why})" if why and counts.get("skipped") else text


def _post_skip_reason(post_type: str, status: str) -> str:
    if post_type not in {"post", "page"}:
        return _("not a post or page")
    if status == "trash":
        return _("in WordPress's trash")
    if status in {"auto-draft", "inherit"}:
        return _("an automatic draft or a revision")
    return _("see below")


def _comment_skip_reason(status: str) -> str:
    if status in {"spam", "trash"}:
        return _("only with “also spam and trash”")
    if status in {"pingback", "trackback", "webmention", "pings"}:
        return _("only with “also pingbacks and trackbacks”")
    return _("not a comment")


def report_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, counts) rows: per post type and status, per comment status, images, links."""
    rows: list[tuple[str, str]] = []
    for post_type, statuses in sorted(report.get("posts", {}).items()):
        for status, counts in sorted(statuses.items()):
            why = _post_skip_reason(post_type, status)
            what = f"{_POST_TYPES.get(post_type, post_type)} · {_POST_STATUSES.get(status, status)}"
            rows.append((what, _counts(counts, why)))
    for status, counts in sorted(report.get("comments", {}).items()):
        label = _STATUS_LABELS.get(status, status)
        rows.append((_("comments · %s") % label, _counts(counts, _comment_skip_reason(status))))
    if report.get("images"):
        rows.append((_("images"), _counts(report["images"])))
    if report.get("redirects"):
        rows.append((_("old addresses"), _counts(report["redirects"])))
    return rows


def report_text(report: dict[str, Any]) -> str:
    lines = [
        (
            _("Dry run of the import of %(site)s")
            if report.get("dry_run")
            else _("Import of %(site)s")
        )
        % {"site": report.get("site") or report.get("title")},
    ]
    width = max((len(what) for what, _c in report_rows(report)), default=0)
    lines += [f"  {what:<{width}}  {counts}" for what, counts in report_rows(report)]
    if report.get("shortcodes"):
        lines.append(_("Shortcodes kept as text:"))
        lines += [f"  [{name}] × {n}" for name, n in report["shortcodes"].items()]
    if report.get("recovered"):
        lines.append(_("XML faults the reader recovered from: %d") % report["recovered"])
    if report.get("problems"):
        lines.append(_("To look at (%d):") % report.get("problem_count", 0))
        for problem in report["problems"]:
            where = f"#{problem['wp_id']} {problem['title']}".strip() if problem["wp_id"] else ""
            lines.append(f"  {where}: {problem['message']}" if where else f"  {problem['message']}")
    lines.append(_("Done in %s s.") % report.get("seconds", 0))
    return "\n".join(lines) + "\n"
