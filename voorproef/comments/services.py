from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from voorproef.core import events, guards
from voorproef.core.ip import ip_limit_unit
from voorproef.core.links import absolute_url, signed_id_link, signed_id_read
from voorproef.mail.services import editors_address, mail_queue
from voorproef.privacy.consent import consent_record
from voorproef.privacy.models import Consent

from .models import Comment, CommentSettings
from .moderation import Candidate, comment_verdict

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage
    from voorproef.mail.models import OutgoingMail

logger = logging.getLogger(__name__)

EDIT_WINDOW = timedelta(minutes=10)
PREVIEW_SECONDS = 3600
MODERATION_LINK_DAYS = 30
ADMIN_EDIT_URL = "wagtailsnippets_comments_comment:edit"
_KEY_SALT = "voorproef.comment-key"
_MODERATE_SALT = "voorproef.comment-moderate"
_UNSUBSCRIBE_SALT = "voorproef.comment-unsubscribe"


class CommentRefused(Exception):
    """A comment that may not be stored: a duplicate, or one posted too soon after another."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# -- keys in links --------------------------------------------------------------------------------


def author_key(comment: Comment) -> str:
    """The key in the link the author is sent to: shows their held comment, and lets them edit
    or delete it for a while. It lives in that link only, never in a cookie."""
    return signing.TimestampSigner(salt=_KEY_SALT).sign(str(comment.pk))


def author_key_check(comment: Comment, key: str, *, max_age: int = PREVIEW_SECONDS) -> bool:
    try:
        pk = signing.TimestampSigner(salt=_KEY_SALT).unsign(key, max_age=max_age)
    except signing.BadSignature:
        return False
    return pk == str(comment.pk)


def author_may_edit(comment: Comment, key: str) -> bool:
    return (
        comment.created_at > timezone.now() - EDIT_WINDOW
        and comment.status in {Comment.Status.PENDING, Comment.Status.APPROVED}
        and author_key_check(comment, key, max_age=int(EDIT_WINDOW.total_seconds()))
    )


def moderation_link(comment: Comment, status: str) -> str:
    token = signing.dumps({"c": comment.pk, "s": status}, salt=_MODERATE_SALT, compress=False)
    return absolute_url(reverse("comment_moderate", args=[token]))


def moderation_token_read(token: str) -> tuple[Comment, str] | None:
    try:
        data = signing.loads(
            token, salt=_MODERATE_SALT, max_age=timedelta(days=MODERATION_LINK_DAYS)
        )
        pk, status = int(data["c"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if status not in Comment.Status.values:
        return None
    comment = Comment.objects.select_related("essay").filter(pk=pk).first()
    return (comment, status) if comment else None


def unsubscribe_link(comment: Comment) -> str:
    return signed_id_link("comment_unsubscribe", comment.pk, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> int | None:
    return signed_id_read(token, salt=_UNSUBSCRIBE_SALT)


# -- the thread -----------------------------------------------------------------------------------


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)
    preview: bool = False


@dataclass
class Threads:
    """The discussion's shape, by comment number: the thread starters in order (oldest first),
    each comment's replies, how many approved comments there are, and the comment shown to its
    author (with its links to edit). Read from three columns of each comment, so a popular
    essay's page loads whole comments for one page only."""

    roots: list[int]
    replies: dict[int, list[int]]
    approved: int
    posted: dict[int, Any]
    preview: Comment | None = None


def comment_threads(essay: FeaturePage, *, preview: Comment | None = None) -> Threads:
    """The approved comments as threads, with one held comment shown to its author. A reply
    whose parent is not shown stands as a thread of its own."""
    rows = list(
        essay.comments.filter(status=Comment.Status.APPROVED)
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id", "created_at")
    )
    approved = len(rows)
    if preview is not None and preview.status == Comment.Status.PENDING:
        rows.append((preview.pk, preview.parent_id, preview.created_at))
        rows.sort(key=lambda row: (row[2], row[0]))
    shown = {pk for pk, _, _ in rows}
    roots: list[int] = []
    replies: dict[int, list[int]] = {}
    for pk, parent, _ in rows:
        if parent is not None and parent in shown:
            replies.setdefault(parent, []).append(pk)
        else:
            roots.append(pk)
    return Threads(roots, replies, approved, {pk: at for pk, _, at in rows}, preview)


def thread_nodes(threads: Threads, roots: Sequence[int]) -> list[Node]:
    """These threads in full: the comments of the given thread starters and all their replies,
    read in one query."""
    wanted: list[int] = []
    stack = list(roots)
    while stack:
        pk = stack.pop()
        wanted.append(pk)
        stack.extend(threads.replies.get(pk, ()))
    comments = Comment.objects.in_bulk(wanted)
    if threads.preview is not None and threads.preview.pk in comments:
        comments[threads.preview.pk] = threads.preview
    shown = threads.preview.pk if threads.preview is not None else None

    def node(pk: int) -> Node:
        children = [node(child) for child in threads.replies.get(pk, ()) if child in comments]
        return Node(comments[pk], children, preview=pk == shown)

    return [node(pk) for pk in roots if pk in comments]


def thread_position(threads: Threads, pk: int) -> int | None:
    """Where the thread that holds this comment stands among the threads (0: the first); None
    when the discussion does not show the comment."""
    parents = {reply: parent for parent, replies in threads.replies.items() for reply in replies}
    seen = set()
    while pk in parents and pk not in seen:
        seen.add(pk)
        pk = parents[pk]
    try:
        return threads.roots.index(pk)
    except ValueError:
        return None


def comment_pages(essay: FeaturePage, per_page: int) -> dict[int, int]:
    """The page every shown comment stands on, from one read of the thread."""
    threads = comment_threads(essay)
    pages: dict[int, int] = {}
    for position, root in enumerate(threads.roots):
        page = position // per_page + 1
        stack = [root]
        while stack:
            pk = stack.pop()
            pages[pk] = page
            stack.extend(threads.replies.get(pk, ()))
    return pages


def thread_page_of(comment: Comment, per_page: int) -> int:
    """The page of the thread a comment stands in."""
    root = comment
    seen = set()
    while root.parent_id and root.parent_id not in seen:
        seen.add(root.pk)
        parent = Comment.objects.filter(pk=root.parent_id, status=Comment.Status.APPROVED).first()
        if parent is None:
            break
        root = parent
    return _threads_before(root) // per_page + 1


def _threads_before(root: Comment) -> int:
    """How many threads start before this thread starter, as comment_threads orders them: the
    shown comments without a parent, and the shown replies whose parent is not shown (each
    starts a thread of its own). One statement written out: composed through the ORM, the two
    counts cost more (0.7 ms) than counting 8,000 comments does. The time is a range ("up to
    this one, not itself nor a later one of the same microsecond") of the index on essay,
    status, parent and time. The replies are found from their few hidden parents (held, spam,
    trash), in that order: a CROSS JOIN keeps SQLite from starting at the replies (a read of
    every shown comment), and PostgreSQL, free to choose, finds a parent by its key (with a
    subquery instead, before it had statistics on a new site's table, it compared every reply
    with every hidden comment: 86 ms at 1,000 comments)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    approved = Comment.Status.APPROVED
    hidden = [status for status in Comment.Status if status != approved]
    at = connection.ops.adapt_datetimefield_value(root.created_at)
    before = "c.created_at <= %s AND NOT (c.created_at = %s AND c.id >= %s)"
    shown: list[Any] = [root.essay_id, approved, at, at, root.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {table} c WHERE c.essay_id = %s AND c.status = %s "  # noqa: S608
            f"AND {before} AND c.parent_id IS NULL) + (SELECT COUNT(*) FROM {table} p "
            f"CROSS JOIN {table} c WHERE c.parent_id = p.id AND p.essay_id = %s "
            f"AND p.status IN ({', '.join(['%s'] * len(hidden))}) "
            f"AND c.essay_id = %s AND c.status = %s AND {before})",
            [*shown, root.essay_id, *hidden, *shown],
        )
        (count,) = cursor.fetchone()
    return int(count)


def comments_open(essay: FeaturePage, site: CommentSettings | None = None) -> bool:
    if not essay.comments_enabled:
        return False
    site = site or CommentSettings.load()
    if site.close_after_days and essay.first_published_at:
        return timezone.now() < essay.first_published_at + timedelta(days=site.close_after_days)
    return True


# -- posting --------------------------------------------------------------------------------------


def _flood_keys(ip: str, email: str) -> list[str]:
    return [f"ip:{ip_limit_unit(ip)}", f"email:{email}"]


def comment_create(
    *,
    essay: FeaturePage,
    parent: Comment | None,
    name: str,
    email: str,
    url: str,
    text: str,
    notify_replies: bool,
    notify_text: str = "",
    ip: str,
    ip_network: str,
    user_agent: str,
) -> Comment:
    """Decide on a new comment and store it; mail the moderators when it is held. Raises
    CommentRefused for a duplicate (409) or a second comment within 15 seconds (429)."""
    if Comment.objects.duplicate_exists(essay_id=essay.pk, text=text, email=email, name=name):
        raise CommentRefused(409, "duplicate")
    # A second comment within the flood window is refused; a window of 0 is no guard at all.
    flood_seconds = settings.COMMENTS_FLOOD_SECONDS
    flood_keys = _flood_keys(ip, email) if flood_seconds > 0 else []
    if any(guards.cooldown_active("comment-flood", key) for key in flood_keys):
        raise CommentRefused(429, "too fast")

    site = CommentSettings.load()
    candidate = Candidate(name, email, url, text, ip, user_agent)
    verdict = comment_verdict(candidate, site)
    with transaction.atomic():
        comment = Comment.objects.create(
            essay=essay,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            name=name,
            email=email,
            url=url,
            text=text,
            status=verdict.status,
            reason=verdict.reason,
            ip_network=ip_network,
            user_agent=user_agent[:300],
        )
        if notify_replies:
            consent_record(
                email=email,
                purpose=Consent.Purpose.REPLIES,
                text=notify_text,
                source=f"comment form: {essay.slug}",
                given_at=comment.created_at,
                subject=comment,
            )
        if comment.status == Comment.Status.PENDING:
            _moderators_mail(comment)
        events.emit(
            "comment.posted",
            essay_id=essay.pk,
            subject=comment,
            status=comment.status,
            ip_network=ip_network,
            user_agent=comment.user_agent,
        )
    for key in flood_keys:
        guards.cooldown_start("comment-flood", key, seconds=flood_seconds)
    logger.info("comment %s on %s: %s (%s)", comment.pk, essay.slug, comment.status, comment.reason)
    return comment


def editors_name(editor: Any) -> str:
    """How an editor's reply is signed in public: their own name, never their account's."""
    full_name = editor.get_full_name().strip() if editor is not None else ""
    return full_name or gettext("The editors")


def comment_reply_as_editors(*, parent: Comment, editor: Any, text: str) -> Comment:
    """An editor answers a comment from the admin, in the editors' name: the reply is
    published at once, and a comment still held is approved with it (answering it is
    approving it, as in WordPress). The parent's author hears of it if they asked to."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=parent.pk)
        if locked.status != Comment.Status.APPROVED:
            locked.status = Comment.Status.APPROVED
            locked.save(update_fields=["status"])
        reply = Comment.objects.create(
            essay_id=locked.essay_id,
            parent=locked,
            depth=locked.depth + 1,
            name=editors_name(editor)[:245],
            text=text,
            status=Comment.Status.APPROVED,
            editor=editor,
            by_editors=True,
        )
    parent.refresh_from_db()
    logger.info("comment %s: the editors replied to comment %s", reply.pk, parent.pk)
    return reply


def comment_edit(*, comment: Comment, text: str, ip: str, user_agent: str) -> Comment:
    """The author's own change within the edit window. An approved comment whose new text
    trips a rule goes back for moderation."""
    verdict = comment_verdict(
        Candidate(comment.name, comment.email, comment.url, text, ip, user_agent)
    )
    comment.text = text
    comment.edited_at = timezone.now()
    if verdict.status != Comment.Status.APPROVED:
        was_pending = comment.status == Comment.Status.PENDING
        comment.status, comment.reason = verdict.status, verdict.reason
        with transaction.atomic():
            comment.save()
            if comment.status == Comment.Status.PENDING and not was_pending:
                _moderators_mail(comment)
    else:
        comment.save()
    return comment


def comment_delete(*, comment: Comment) -> None:
    """The author takes their comment back: it is gone, not kept in the trash."""
    comment.delete()


def comment_moderate(*, comment: Comment, status: str) -> bool:
    """Set a comment's status; True when it changed. Doing it twice is harmless."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status == status:
            return False
        locked.status = status
        locked.save(update_fields=["status"])
    comment.refresh_from_db()
    return True


def comment_approved(comment: Comment, *, automatic: bool) -> None:
    """What follows when a comment is first approved: the parent's author hears of the reply
    (once), and, for a comment no moderator has seen, the editors if they asked to."""
    events.emit("comment.published", essay_id=comment.essay_id, subject=comment)
    parent = comment.parent
    if (
        parent is not None
        and parent.notify_replies
        and parent.status == Comment.Status.APPROVED
        and parent.email != comment.email
    ):
        claimed = Comment.objects.filter(pk=comment.pk, reply_notified_at__isnull=True).update(
            reply_notified_at=timezone.now()
        )
        if claimed:
            mail = _reply_mail(comment, parent)
            Comment.objects.filter(pk=comment.pk).update(reply_mail=mail)
    editors = editors_address()
    if automatic and editors and CommentSettings.load().notify_on_approved:
        mail_queue(
            kind="comment-approved",
            to=editors,
            context=_mail_context(comment),
            reply_to=comment.email,
        )


def replies_unsubscribe(*, comment_id: int) -> int:
    """No more reply mails for the address that wrote this comment, on any comment."""
    email = Comment.objects.filter(pk=comment_id).values_list("email", flat=True).first()
    if email is None:
        return 0
    return Consent.objects.filter(
        subject_type=ContentType.objects.get_for_model(Comment),
        email=email,
        purpose=Consent.Purpose.REPLIES,
        withdrawn_at__isnull=True,
    ).update(withdrawn_at=timezone.now())


def comments_purge(*, days: int | None = None) -> int:
    """Spam and trash older than the retention period leave the database."""
    days = days if days is not None else settings.COMMENTS_PURGE_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Comment.objects.filter(
        status__in=[Comment.Status.SPAM, Comment.Status.TRASH], status_changed_at__lt=cutoff
    ).delete()
    if deleted:
        logger.info("purged %s spam and trashed comments", deleted)
    return deleted


# -- mail -----------------------------------------------------------------------------------------


def comment_url(comment: Comment) -> str:
    essay = comment.essay
    page = thread_page_of(comment, CommentSettings.load().per_page)
    return absolute_url(f"{comments_page_path(essay, page)}#{comment.anchor}")


def comments_page_path(essay: FeaturePage, number: int) -> str:
    if number == 1:
        return str(essay.url)
    return str(essay.url) + essay.reverse_subpage("comments_page", args=[number])


def _mail_context(comment: Comment) -> dict[str, Any]:
    return {
        "comment": comment,
        "essay": comment.essay,
        "essay_link": comment.essay.canonical_url(),
        "admin_link": absolute_url(reverse(ADMIN_EDIT_URL, args=[comment.pk])),
    }


def _moderators_mail(comment: Comment) -> None:
    editors = editors_address()
    if not editors:
        logger.warning("no editors' address set: comment %s waits in the admin", comment.pk)
        return
    mail_queue(
        kind="comment-moderate",
        to=editors,
        context={
            **_mail_context(comment),
            "approve_link": moderation_link(comment, Comment.Status.APPROVED),
            "spam_link": moderation_link(comment, Comment.Status.SPAM),
            "trash_link": moderation_link(comment, Comment.Status.TRASH),
        },
        reply_to=comment.email,
    )


def _reply_mail(reply: Comment, parent: Comment) -> OutgoingMail:
    unsubscribe = unsubscribe_link(parent)
    return mail_queue(
        kind="comment-reply",
        to=parent.email,
        context={
            "comment": reply,
            "parent": parent,
            "essay": reply.essay,
            "link": comment_url(reply),
            "unsubscribe_link": unsubscribe,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
