"""Comments of an imported post, with their threads: every comment first, then each one's
parent, so their order in the export does not matter; a reply whose parent is not imported
stands on its own, and the report says why."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage

from . import convert, wxr
from .models import ImportedItem, ImportedSite, fingerprint, imported
from .report import Report
from .scan import Scan, utc

PINGS = {"pingback", "trackback", "webmention", "pings"}


class CommentsImport:
    """The comments' part of the importer (mixed into it)."""

    report: Report
    scan: Scan
    site: ImportedSite | None
    dry_run: bool
    include_spam: bool
    include_pings: bool

    def _comment_status(self, comment: wxr.Comment) -> tuple[str, str | None]:
        """How the comment is counted in the report, and the status it gets (None: left out)."""
        kind = comment.type.lower()
        if kind in {"pingback", "trackback", "webmention", "pings"}:
            if not self.include_pings:
                return kind, None
        elif kind not in {"", "comment"}:
            return kind, None
        approved = comment.approved.lower()
        if approved == "1" or approved == "approve":
            return "approved", Comment.Status.APPROVED
        if approved in {"0", "hold", ""}:
            return "pending", Comment.Status.PENDING
        if approved == "spam":
            return "spam", Comment.Status.SPAM if self.include_spam else None
        return "trash", Comment.Status.TRASH if self.include_spam else None

    def _comments(self, item: wxr.Item, page: EssayPage | None) -> None:
        if not item.comments:
            return
        known = imported(self.site, "comment", [str(c.id) for c in item.comments])
        existing = (
            Comment.objects.in_bulk([row.object_id for row in known.values()]) if known else {}
        )
        email_ok, url_ok = EmailValidator(), URLValidator(schemes=["http", "https"])
        made: dict[int, Comment] = {}
        new: list[tuple[wxr.Comment, Comment, str]] = []
        changed: list[tuple[wxr.Comment, Comment, str]] = []
        kept: list[wxr.Comment] = []
        for source in item.comments:
            label, status = self._comment_status(source)
            if status is None:
                self.report.comments[label]["skipped"] += 1
                continue
            kept.append(source)
            when = utc(source.date, source.date_gmt, self.scan.zone) or timezone.now()
            email = source.email.strip()[:100]
            try:
                email_ok(email)
            except ValidationError:
                email = ""
            url = source.url.strip()
            try:
                url_ok(url)
                url = url if len(url) <= 200 else ""
            except ValidationError:
                url = ""
            values = {
                "name": (convert.comment_text(source.author) or _("Anonymous"))[:245],
                "email": email,
                "url": url,
                "text": convert.comment_text(source.content) or "…",
                "status": str(status),
                "created_at": when,
            }
            made_from = fingerprint(values, source.parent)
            row = known.get(str(source.id))
            comment = existing.get(row.object_id) if row else None
            if comment is not None and row is not None:
                made[source.id] = comment
                if row.fingerprint == made_from:
                    self.report.comments[label]["unchanged"] += 1
                    continue
                self.report.comments[label]["updated"] += 1
                for key, value in values.items():
                    setattr(comment, key, value)
                comment.status_changed_at = when
                changed.append((source, comment, made_from))
                continue
            self.report.comments[label]["created"] += 1
            if page is None:
                continue
            comment = Comment(
                essay=page,
                reason=_("imported from WordPress"),
                status_changed_at=when,
                **values,
            )
            made[source.id] = comment
            new.append((source, comment, made_from))
        if self.dry_run or page is None:
            self._orphans(item, kept, {c.id for c in kept})
            return
        # Two passes: every comment first, then each one's parent, so the order in the
        # export does not matter.
        Comment.objects.bulk_create([c for _s, c, _f in new])
        if changed:
            Comment.objects.bulk_update(
                [c for _s, c, _f in changed],
                ["name", "email", "url", "text", "status", "created_at", "status_changed_at"],
            )
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    site=self.site, kind="comment", key=str(s.id), object_id=c.pk, fingerprint=f
                )
                for s, c, f in new
            ]
        )
        for source, _comment, made_from in changed:
            ImportedItem.objects.filter(site=self.site, kind="comment", key=str(source.id)).update(
                fingerprint=made_from
            )
        orphans = self._orphans(item, kept, set(made))
        parents = {
            s.id: (s.parent if s.parent in made and s.id not in orphans else 0) for s in kept
        }
        depth: dict[int, int] = {}

        def depth_of(wp_id: int, seen: frozenset[int] = frozenset()) -> int:
            if wp_id in depth:
                return depth[wp_id]
            parent = parents.get(wp_id, 0)
            if not parent or parent in seen:
                depth[wp_id] = 1
            else:
                depth[wp_id] = depth_of(parent, seen | {wp_id}) + 1
            return depth[wp_id]

        updates = []
        for source in kept:
            comment = made.get(source.id)
            if comment is None:
                continue
            parent_id = parents.get(source.id, 0)
            parent = made[parent_id] if parent_id else None
            wanted_depth = depth_of(source.id)
            if (
                comment.parent_id != (parent.pk if parent else None)
                or comment.depth != wanted_depth
            ):
                comment.parent = parent
                comment.depth = wanted_depth
                updates.append(comment)
        if updates:
            Comment.objects.bulk_update(updates, ["parent", "depth"])

    def _orphans(self, item: wxr.Item, kept: list[wxr.Comment], present: set[int]) -> set[int]:
        """Replies whose parent is not imported (not in the export, or left out): they stand as
        threads of their own, and the report says so."""
        orphans = set()
        ids = {c.id for c in item.comments}
        for source in kept:
            if source.parent and (source.parent not in present or source.parent == source.id):
                orphans.add(source.id)
                reason = (
                    _("its parent was left out")
                    if source.parent in ids
                    else _("its parent is not in the export")
                )
                self.report.comments["orphans"]["top-level"] += 1
                self.report.problem(
                    "orphan",
                    _("Comment %(id)d is now a thread of its own: %(reason)s.")
                    % {"id": source.id, "reason": reason},
                    wp_id=item.post_id,
                    title=item.title,
                )
        return orphans
