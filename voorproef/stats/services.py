"""Counting what readers do, per page and day, without knowing who they are.

A visitor is a hash of the day's random salt, the reader's network (truncated as every room
truncates it), their browser and the site: the same reader is one visitor all day, and
nobody can tell tomorrow, or once the salt is deleted, who it was. What a visit needs to carry
its source (referrer, campaign) to its later steps lives in the cache until the day ends.

Counts do not touch the database in the request: each web process adds them up in its memory
and writes its sums for the current 20 seconds to the cache, under a key of its own; the
scheduler folds ended buckets into `DailyCount` every minute. A lost cache loses those
counts, never a page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import crawleruseragents
from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from wagtail.models import Page

from voorproef.core import events

from .models import SITE, SOURCE_FIELDS, SOURCE_MAX, BufferWriter, DailyCount, DailySalt, Step

logger = logging.getLogger(__name__)


def stats_cache() -> Any:
    """The statistics' own cache (settings.CACHES), apart from the pages'. Looked up when
    used: importing this module makes no folder."""
    return caches["stats"]


BUCKET_SECONDS = 20
WRITER_BUCKETS = 3600 // BUCKET_SECONDS  # a process takes a new writer id every hour
KEY_SECONDS = 6 * 3600  # a buffer key the scheduler never folded is gone after this
FOLD_SLACK_SECONDS = 5  # a bucket is folded this long after it ended, for requests in flight

Source = tuple[str, ...]  # in the order of SOURCE_FIELDS
NO_SOURCE: Source = ("",) * len(SOURCE_FIELDS)
CountKey = tuple[str, int, str, Source]  # (ISO day, page id, step, source)

FUNNEL = (Step.VISITOR, Step.FORM, Step.LEAD, Step.CONFIRMED, Step.PDF)
QUERY_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref")


# -- who is a visitor -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """A crawler by the crawler-user-agents patterns, or a client that names no browser."""
    return not user_agent.strip() or crawleruseragents.is_crawler(user_agent)


_salts: dict[date, str] = {}


def _salt(day: date) -> str:
    if day not in _salts:
        row = DailySalt.objects.filter(day=day).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = DailySalt.objects.create(day=day, salt=secrets.token_hex(32))
            except IntegrityError:  # another process made it first
                row = DailySalt.objects.get(day=day)
        _salts.clear()  # only today's is needed; yesterday's goes with it
        _salts[day] = row.salt
    return _salts[day]


def visit_hash(*, day: date, ip_network: str, user_agent: str) -> str:
    site = urlsplit(settings.SITE_URL).hostname or ""
    material = "\n".join((_salt(day), site, ip_network, user_agent[:300]))
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def salts_delete() -> int:
    """The salts of days gone by (a retention rule, run hourly by the purge): none lives
    longer than 25 hours, well inside Plausible's 48."""
    return int(DailySalt.objects.filter(day__lt=timezone.localdate()).delete()[0])


def _clean(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()[:SOURCE_MAX]


def source_parse(*, referrer: str, query: str, own_host: str) -> Source:
    """The referrer's host (not its address; none for this site's own pages) and the campaign
    fields of the page's address."""
    host = (urlsplit(referrer.strip()).hostname or "") if referrer else ""
    if host.startswith("www."):
        host = host[4:]
    if host == own_host.split(":")[0].removeprefix("www."):
        host = ""
    fields = parse_qs(query[:1000], keep_blank_values=False)
    return (_clean(host), *(_clean(fields.get(name, [""])[0]) for name in QUERY_FIELDS))


def _visit_key(visit: str) -> str:
    return f"stats:visit:{visit}"


def _until_day_ends(now: datetime) -> int:
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, int((midnight - local).total_seconds()) + 60)


# -- the buffer -----------------------------------------------------------------------------------


def _bucket(now: float) -> int:
    return int(now // BUCKET_SECONDS)


def _buffer_key(writer: int, bucket: int) -> str:
    return f"stats:buffer:{writer}:{bucket}"


class _Buffer:
    """This process's counts of the current bucket, written whole to its own cache key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writer: BufferWriter | None = None
        self.bucket = -1
        self.counts: Counter[CountKey] = Counter()

    def add(self, keys: Iterable[CountKey], now: float | None = None) -> None:
        bucket = _bucket(time.time() if now is None else now)
        with self.lock:
            if self.writer is None or bucket >= self.writer.first_bucket + WRITER_BUCKETS:
                self.writer = BufferWriter.objects.create(
                    first_bucket=bucket, folded_bucket=bucket - 1
                )
            if bucket != self.bucket:
                self.bucket, self.counts = bucket, Counter()
            self.counts.update(keys)
            stats_cache().set(_buffer_key(self.writer.pk, bucket), dict(self.counts), KEY_SECONDS)

    def drain(self) -> Counter[CountKey]:
        """Take the current bucket's counts out (a fold in this process, as in the tests)."""
        with self.lock:
            counts, self.counts = self.counts, Counter()
            if self.writer is not None:
                stats_cache().delete(_buffer_key(self.writer.pk, self.bucket))
            return counts


_buffer = _Buffer()


def _count(keys: Iterable[CountKey]) -> None:
    keys = list(keys)
    if keys:
        _buffer.add(keys)


# -- what is counted ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """What the beacon says: a page view or a first focus on the form, of the page with this
    id at this address, with where the reader came from (the referrer's address and the
    page's query string, both cut to what is counted)."""

    page_id: int
    kind: str
    path: str
    referrer: str = ""
    query: str = ""


def hit_parse(fields: Mapping[str, str]) -> Hit | None:
    """The beacon's fields (from its query string, or the form body an older page sends), or
    None when they are not a beacon's."""
    kind, page = fields.get("kind", ""), fields.get("page", "")
    if kind not in ("view", "form") or not page.isdigit() or len(page) > 10:
        return None
    return Hit(
        page_id=int(page),
        kind=kind,
        path=fields.get("path", "")[:1000],
        referrer=fields.get("referrer", "")[:1000],
        query=fields.get("query", "")[:1000],
    )


def hit_welcome(*, gpc: str, dnt: str, fetch_site: str) -> bool:
    """Not counted: a browser that asks not to be tracked (Global Privacy Control, Do Not
    Track), or a request another site made (a browser that does not say is taken at its
    word: older ones send no Sec-Fetch-Site)."""
    return gpc != "1" and dnt != "1" and fetch_site in ("", "same-origin")


_PATH_SECONDS = 60.0
_paths: dict[int, tuple[float, str | None]] = {}


def page_path(page_id: int) -> str | None:
    """The live page's own address (its path), remembered for a minute in this process: a
    beacon asks no database in the common case. None for a page that is not live."""
    now = time.monotonic()
    known = _paths.get(page_id)
    if known and now - known[0] < _PATH_SECONDS:
        return known[1]
    page = Page.objects.live().filter(pk=page_id).first()
    parts = page.get_url_parts() if page else None
    path = parts[2] if parts else None
    if len(_paths) > 10000:
        _paths.clear()
    _paths[page_id] = (now, path)
    return path


def page_paths_forget() -> None:
    """Forget the remembered addresses (a test that replaced the database)."""
    _paths.clear()


def _hit_own(hit: Hit) -> bool:
    """A view of the page's own address, or a form on it (or on a page below it)."""
    own = page_path(hit.page_id)
    if own is None:
        return False
    return hit.path == own if hit.kind == "view" else hit.path.startswith(own)


def _visit_step(
    state: dict[str, Any] | None, hit: Hit, *, day: date, host: str
) -> tuple[dict[str, Any], list[CountKey], bool]:
    """What one hit counts, given its visit's state that day (None: a new visit): the new
    state, the counts, and whether the state changed."""
    counts: list[CountKey] = []
    if state is None:
        source = source_parse(referrer=hit.referrer, query=hit.query, own_host=host)
        state = {"source": source, "pages": set(), "forms": set()}
        counts.append((day.isoformat(), SITE, Step.VISITOR, source))
    source = state["source"]
    changed = bool(counts)
    if hit.kind == "view":
        if hit.page_id not in state["pages"]:
            state["pages"].add(hit.page_id)
            counts.append((day.isoformat(), hit.page_id, Step.VISITOR, source))
            changed = True
        counts.append((day.isoformat(), hit.page_id, Step.VIEW, source))
    elif hit.page_id not in state["forms"]:
        state["forms"].add(hit.page_id)
        counts.append((day.isoformat(), hit.page_id, Step.FORM, source))
        changed = True
    return state, counts, changed


def hit_record(
    hit: Hit,
    *,
    ip_network: str,
    user_agent: str,
    host: str = "",
    now: datetime | None = None,
) -> bool:
    """A hit the app answered itself (no nginx in front, as `make run`). Returns whether it
    was counted: a bot, or an address that is not the page's own, is not."""
    if is_bot(user_agent) or not _hit_own(hit):
        return False
    now = now or timezone.now()
    day = timezone.localdate(now)
    key = _visit_key(visit_hash(day=day, ip_network=ip_network, user_agent=user_agent))
    state, counts, changed = _visit_step(stats_cache().get(key), hit, day=day, host=host)
    if changed:
        stats_cache().set(key, state, _until_day_ends(now))
    _count(counts)
    return True


# -- the beacon nginx answers ---------------------------------------------------------------------

BEACON_FILE_SECONDS = 10  # deploy/nginx names each file after the first 9 digits of $msec
BEACON_STALE_SECONDS = 600  # a file left half-folded (a crash) is deleted uncounted after this


def _beacon_line(line: str) -> tuple[Hit, float, str, str, str] | None:
    """One line of nginx's beacon log (voorproef_beacon in deploy/nginx/voorproef.conf): the
    hit, its time, the reader's network (nginx truncated it), browser and the site's host."""
    try:
        entry = json.loads(line)
        at = float(entry["t"])
    except (ValueError, KeyError, TypeError):
        return None
    if entry.get("m") != "POST":
        return None
    fields = {key: values[0] for key, values in parse_qs(str(entry.get("q", ""))).items()}
    hit = hit_parse(fields)
    welcome = hit_welcome(
        gpc=str(entry.get("gpc", "")),
        dnt=str(entry.get("dnt", "")),
        fetch_site=str(entry.get("site", "")),
    )
    if hit is None or not welcome:
        return None
    net = str(entry.get("net", ""))
    return (
        hit,
        at,
        "" if net == "-" else net,
        str(entry.get("ua", ""))[:300],
        str(entry.get("host", "")),
    )


VisitStates = dict[int, dict[str, Any]]  # by the seconds they are kept: key -> a visit's state


def beacon_lines_count(lines: Iterable[str]) -> tuple[Counter[CountKey], VisitStates]:
    """The counts of a batch of nginx's beacon lines, and the visits' states to keep after
    them: each visit's state is read once for the whole batch (and written once, by the
    caller, once the counts are stored). Lines that are not a beacon's, or not welcome, count
    nothing."""
    hits: list[tuple[Hit, datetime, str, str]] = []
    for line in lines:
        parsed = _beacon_line(line)
        if parsed is None:
            continue
        hit, at, net, user_agent, host = parsed
        if is_bot(user_agent) or not _hit_own(hit):
            continue
        when = datetime.fromtimestamp(at, tz=timezone.get_current_timezone())
        visit = visit_hash(day=timezone.localdate(when), ip_network=net, user_agent=user_agent)
        hits.append((hit, when, _visit_key(visit), host))
    states: dict[str, Any] = stats_cache().get_many({key for _, _, key, _ in hits})
    changed: dict[str, datetime] = {}
    total: Counter[CountKey] = Counter()
    for hit, when, key, host in hits:
        day = timezone.localdate(when)
        state, counts, did = _visit_step(states.get(key), hit, day=day, host=host)
        states[key] = state
        if did:
            changed[key] = max(when, changed.get(key, when))
        total.update(counts)
    keep: VisitStates = {}
    now = timezone.now()
    for key, when in changed.items():
        seconds = _until_day_ends(when) - int((now - when).total_seconds())
        keep.setdefault(max(60, seconds), {})[key] = states[key]
    return total, keep


def beacon_files_fold(*, now: float | None = None) -> int:
    """Count the beacons nginx answered and wrote down (a file a 10 seconds, in
    STATS_BEACON_DIR), once a file has ended; then delete it. What a line holds of a visit
    (its network and browser) so lives a minute or two. Returns how many counts it stored."""
    folder = Path(settings.STATS_BEACON_DIR)
    now = time.time() if now is None else now
    stored = 0
    for stale in folder.glob("*.folding"):
        with suppress(FileNotFoundError):
            if now - stale.stat().st_mtime > BEACON_STALE_SECONDS:
                stale.unlink()
    for path in sorted(folder.glob("*.log")):
        if not path.stem.isdigit():
            continue
        if (int(path.stem) + 1) * BEACON_FILE_SECONDS + FOLD_SLACK_SECONDS > now:
            continue  # nginx may still write it
        taken = path.with_suffix(".folding")
        try:
            path.rename(taken)  # a second scheduler skips it: no file is counted twice
        except FileNotFoundError:
            continue
        try:
            with taken.open(encoding="utf-8", errors="replace") as lines:
                counts, visits = beacon_lines_count(lines)
            with transaction.atomic():
                _store(counts)
        except Exception:
            taken.rename(path)  # counted next round, once the database is back
            raise
        taken.unlink()
        for seconds, batch in visits.items():
            stats_cache().set_many(batch, seconds)
        stored += sum(counts.values())
    return stored


_EVENT_STEPS = {
    "lead.created": Step.LEAD,
    "lead.confirmed": Step.CONFIRMED,
    "message.received": Step.MESSAGE,
    "comment.posted": Step.COMMENT,
}


def event_record(event: events.Event) -> None:
    """A step a feature told of. With the reader's network and browser (a request, a message,
    a comment), the step counts for the source of their visit that day; a confirmation or a
    PDF fetched from a mail counts without one."""
    if event.essay_id is None:
        return
    if event.name == "pdf.fetched":
        step = Step.PDF if event.data.get("first") else Step.PDF_AGAIN
    elif event.name in _EVENT_STEPS:
        step = _EVENT_STEPS[event.name]
    else:
        return
    if event.name == "comment.posted" and event.data.get("status") == "spam":
        return
    day = timezone.localdate(event.at)
    source = NO_SOURCE
    user_agent = str(event.data.get("user_agent") or "")
    if "user_agent" in event.data:
        if is_bot(user_agent):
            return
        visit = visit_hash(
            day=day, ip_network=str(event.data.get("ip_network") or ""), user_agent=user_agent
        )
        state = stats_cache().get(_visit_key(visit))
        if state is not None:
            source = state["source"]
    counts = [(day.isoformat(), event.essay_id, step, source)]
    if event.name == "lead.created" and event.data.get("newsletter"):
        counts.append((day.isoformat(), event.essay_id, Step.NEWSLETTER, source))
    _count(counts)


# -- folding into the database --------------------------------------------------------------------


def _store(counts: Counter[CountKey]) -> None:
    for (day, page_id, step, source), n in counts.items():
        if n <= 0:
            continue
        where = {
            "day": day,
            "page_id": page_id,
            "step": step,
            **dict(zip(SOURCE_FIELDS, source, strict=True)),
        }
        if DailyCount.objects.filter(**where).update(count=F("count") + n):
            continue
        try:
            with transaction.atomic():
                DailyCount.objects.create(**where, count=n)
        except IntegrityError:  # another fold made the row meanwhile
            DailyCount.objects.filter(**where).update(count=F("count") + n)


def counts_fold(*, include_current: bool = False, now: float | None = None) -> int:
    """Fold the buckets that ended into the daily counts; returns how many counts it moved.
    `include_current` also takes all of this process's buckets (the dashboard, `manage.py
    stats`, the tests), even one that ended a moment ago: other processes' buckets wait
    until their requests in flight are done."""
    now = time.time() if now is None else now
    last = _bucket(now - FOLD_SLACK_SECONDS) - 1
    own = _buffer.writer.pk if include_current and _buffer.writer is not None else None
    total: Counter[CountKey] = _buffer.drain() if include_current else Counter()
    done: list[str] = []
    with transaction.atomic():
        for writer in BufferWriter.objects.select_for_update(skip_locked=True).order_by("pk"):
            ended = _bucket(now) - 1 if writer.pk == own else last
            end = min(ended, writer.first_bucket + WRITER_BUCKETS - 1)
            start = max(writer.folded_bucket + 1, _bucket(now - KEY_SECONDS))
            keys = [_buffer_key(writer.pk, bucket) for bucket in range(start, end + 1)]
            for counts in stats_cache().get_many(keys).values():
                total.update(counts)
            done += keys
            if end >= writer.first_bucket + WRITER_BUCKETS - 1:
                writer.delete()  # its hour is over and folded
            elif end > writer.folded_bucket:
                writer.folded_bucket = end
                writer.save(update_fields=["folded_bucket"])
        _store(total)
        transaction.on_commit(lambda: stats_cache().delete_many(done))
    return sum(total.values())


def stats_fold(*, include_current: bool = False) -> int:
    """The scheduler's round (and `manage.py stats`'): the beacons nginx wrote down, then the
    web processes' buckets that ended."""
    return beacon_files_fold() + counts_fold(include_current=include_current)


# -- reading --------------------------------------------------------------------------------------


@dataclass
class Report:
    start: date
    end: date
    totals: dict[str, int]
    days: list[tuple[date, dict[str, int]]]
    referrers: list[tuple[str, int, int]] = field(default_factory=list)
    campaigns: list[tuple[str, str, str, int, int]] = field(default_factory=list)

    @property
    def conversion(self) -> float | None:
        """First PDFs fetched per unique visitor."""
        visitors = self.totals.get(Step.VISITOR, 0)
        return self.totals.get(Step.PDF, 0) / visitors if visitors else None

    @property
    def funnel(self) -> list[tuple[str, str, int, float | None]]:
        """(step, label, count, share lost since the step before)."""
        rows: list[tuple[str, str, int, float | None]] = []
        before: int | None = None
        for step in FUNNEL:
            count = self.totals.get(step, 0)
            lost = (before - count) / before if before and count <= before else None
            rows.append((step.value, str(step.label), count, lost))
            before = count
        return rows


def _rows(page_id: int | None, start: date, end: date) -> Any:
    rows = DailyCount.objects.filter(day__gte=start, day__lte=end)
    if page_id is not None:
        return rows.filter(page_id=page_id)
    # The site: its own unique visitors (one reader of two essays is one), every page's steps.
    return rows.filter(
        Q(page_id=SITE, step=Step.VISITOR) | (Q(page_id__gt=SITE) & ~Q(step=Step.VISITOR))
    )


def report(*, page_id: int | None, start: date, end: date, top: int = 10) -> Report:
    rows = _rows(page_id, start, end)
    totals = {
        row["step"]: row["n"] for row in rows.values("step").annotate(n=Sum("count")).order_by()
    }
    by_day: dict[date, dict[str, int]] = {}
    for row in rows.values("day", "step").annotate(n=Sum("count")).order_by():
        by_day.setdefault(row["day"], {})[row["step"]] = row["n"]
    days = [
        (start + timedelta(days=i), by_day.get(start + timedelta(days=i), {}))
        for i in range((end - start).days + 1)
    ]

    def grouped(fields: list[str], where: Q) -> list[tuple[Any, ...]]:
        visitors = {
            tuple(row[f] for f in fields): row["n"]
            for row in rows.filter(where, step=Step.VISITOR)
            .values(*fields)
            .annotate(n=Sum("count"))
            .order_by()
        }
        leads = {
            tuple(row[f] for f in fields): row["n"]
            for row in rows.filter(where, step=Step.LEAD)
            .values(*fields)
            .annotate(n=Sum("count"))
            .order_by()
        }
        keys = sorted(set(visitors) | set(leads), key=lambda k: (-visitors.get(k, 0), k))
        return [(*k, visitors.get(k, 0), leads.get(k, 0)) for k in keys[:top]]

    referrers = grouped(["referrer"], ~Q(referrer=""))
    campaigns = grouped(
        ["utm_source", "ref", "utm_medium", "utm_campaign"],
        ~Q(utm_source="", utm_medium="", utm_campaign="", ref=""),
    )
    return Report(
        start=start,
        end=end,
        totals=totals,
        days=days,
        referrers=[(r[0], r[1], r[2]) for r in referrers],
        campaigns=[(c[0] or c[1], c[2], c[3], c[4], c[5]) for c in campaigns],
    )
