"""Moving a WordPress site in: its posts and pages as essays, its images, its comments with
their threads, and its old addresses as permanent redirects.

The export is read twice, streaming: once to check it is whole and a WordPress export (nothing
is written before that) and to learn its attachments; then to import, one post per
transaction. Every object made is remembered by its WordPress id (`ImportedItem`), so a second
run updates what changed and leaves the rest."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import zipfile
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page

from voorproef.comments.models import Comment
from voorproef.core.pagecache import page_cache_purge
from voorproef.essays.models import EssayAuthor, EssayPage, HomePage

from . import convert, wxr
from .models import ImportedItem, ImportedSite
from .uploads import Uploads, UploadsError

logger = logging.getLogger(__name__)

# Raised when the converter's output changes, so a new version updates earlier imports.
CONVERTER_VERSION = "1"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff"}
POST_TYPES = {"post", "page"}
MAX_PROBLEMS = 500
_ZERO_DATE = re.compile(r"^0000-00-00")

Progress = Callable[[str, int, int], None]


class ImportFailed(Exception):
    """Nothing was imported: the message says why, for the editor."""


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


@dataclass
class Attachment:
    wp_id: int
    url: str
    file: str
    title: str
    alt: str


@dataclass
class Scan:
    channel: wxr.Channel
    attachments: dict[int, Attachment]
    by_key: dict[str, int]
    posts: int
    recovered: int
    zone: Any  # a tzinfo: the site's, learnt from the export's own pairs of dates


def _site_key(channel: wxr.Channel) -> str:
    url = channel.site_url
    if not url:
        return f"untitled:{channel.title}"[:255]
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"[:255]


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    if not value or _ZERO_DATE.match(value):
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


class _Clock:
    """The site's time: a date with its UTC twin is exact; a date without one is read in the
    zone the export's own pairs of dates show (a fixed offset), else the site's TIME_ZONE."""

    def __init__(self) -> None:
        self.offsets: Counter[int] = Counter()
        self.zone_hits = 0
        self.samples = 0
        self.site_zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def learn(self, local: str, gmt: str) -> None:
        a, b = _parse_date(local), _parse_date(gmt)
        if a is None or b is None:
            return
        self.samples += 1
        self.offsets[int((a - b).total_seconds() // 60)] += 1
        if a.replace(tzinfo=self.site_zone).astimezone(UTC).replace(tzinfo=None) == b:
            self.zone_hits += 1

    def zone(self) -> Any:
        if not self.samples or self.zone_hits >= 0.8 * self.samples:
            return self.site_zone
        minutes = self.offsets.most_common(1)[0][0]
        return timezone.get_fixed_timezone(minutes)


def utc(local: str, gmt: str, zone: Any) -> datetime | None:
    """A WordPress date in UTC: its `_gmt` twin when it has one, else the local date read in
    the site's zone. None when neither is a date (`0000-00-00`)."""
    exact = _parse_date(gmt)
    if exact is not None:
        return exact.replace(tzinfo=UTC)
    value = _parse_date(local)
    if value is None:
        return None
    return value.replace(tzinfo=zone).astimezone(UTC)


@contextmanager
def export_files(export: Path) -> Iterator[list[Path]]:
    """The export's files: WordPress.com hands a large site over as a ZIP of several; a folder
    of them will do too."""
    if export.is_dir():
        yield sorted(export.glob("*.xml"))
        return
    if not zipfile.is_zipfile(export):
        yield [export]
        return
    with tempfile.TemporaryDirectory(prefix="wxr-") as folder, zipfile.ZipFile(export) as archive:
        files = []
        for n, info in enumerate(sorted(archive.infolist(), key=lambda i: i.filename)):
            name = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not name.lower().endswith(".xml") or name.startswith("."):
                continue
            target = Path(folder) / f"{n:04d}.xml"
            with archive.open(info) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, length=1024 * 1024)
            files.append(target)
        yield files


def _items(files: list[Path]) -> Iterator[wxr.Item]:
    for path in files:
        yield from wxr.Reader(path).items()


def scan(files: list[Path], progress: Progress | None = None) -> Scan:
    """Read the export once, through to its end: refuse it before anything is written when it
    is not a WordPress export or is cut off; learn its attachments and its time zone."""
    if not files:
        raise ImportFailed(_not_wxr_message("not-wxr"))
    attachments: dict[int, Attachment] = {}
    by_key: dict[str, int] = {}
    posts = recovered = 0
    clock = _Clock()
    channel: wxr.Channel | None = None
    try:
        for path in files:
            reader = wxr.Reader(path)
            for item in _scan_items(reader, progress):
                _learn(item, attachments, by_key, clock)
                posts += item.post_type in POST_TYPES
            recovered += reader.recovered
            if channel is None:
                channel = reader.channel
            elif _site_key(reader.channel) != _site_key(channel):
                raise ImportFailed(
                    _("The export's files are of different sites: %(a)s and %(b)s.")
                    % {"a": channel.site_url, "b": reader.channel.site_url}
                )
    except wxr.NotWxr as error:
        raise ImportFailed(_not_wxr_message(str(error))) from error
    except OSError as error:
        raise ImportFailed(_("The export could not be read: %s") % error) from error
    assert channel is not None
    return Scan(channel, attachments, by_key, posts, recovered, clock.zone())


def _scan_items(reader: wxr.Reader, progress: Progress | None) -> Iterator[wxr.Item]:
    for n, item in enumerate(reader.items()):
        if progress and n % 200 == 0:
            progress("reading", reader.bytes_read, reader.size)
        yield item


def _learn(
    item: wxr.Item, attachments: dict[int, Attachment], by_key: dict[str, int], clock: _Clock
) -> None:
    clock.learn(item.post_date, item.post_date_gmt)
    if item.post_type != "attachment":
        return
    url = item.attachment_url or item.guid
    file = item.meta.get("_wp_attached_file", "")
    attachments[item.post_id] = Attachment(
        item.post_id, url, file, item.title, item.meta.get("_wp_attachment_image_alt", "")
    )
    for key in [*convert.url_key_variants(url), *([file.lower()] if file else [])]:
        by_key.setdefault(key, item.post_id)


def _not_wxr_message(reason: str) -> str:
    if reason == "truncated":
        return _(
            "The export ends before its last line: it was cut off while downloading or "
            "uploading. Export it again; nothing was imported."
        )
    if reason == "broken":
        return _("The export is not readable XML; nothing was imported.")
    return _(
        "This file is not a WordPress export (WXR). In WordPress, choose Tools → Export → "
        "All content, and upload the file it gives; nothing was imported."
    )


def _fingerprint(*parts: Any) -> str:
    data = json.dumps([CONVERTER_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


class Importer:
    def __init__(
        self,
        *,
        export: Path,
        uploads: Path | None,
        parent: Page | None,
        dry_run: bool,
        include_spam: bool,
        include_pings: bool,
        progress: Progress | None,
    ) -> None:
        self.export = export
        self.uploads_path = uploads
        self.dry_run = dry_run
        self.include_spam = include_spam
        self.include_pings = include_pings
        self.progress = progress or (lambda phase, done, total: None)
        self.report = Report(dry_run=dry_run)
        self.parent_given = parent
        self.images: dict[int, tuple[int, str]] = {}  # attachment id → (image id, alt)
        self.files: dict[str, tuple[int, str]] = {}  # uploads key → (image id, alt)

    # -- the whole run ------------------------------------------------------------------------

    def run(self) -> Report:
        started = timezone.now()
        with export_files(self.export) as self.sources:
            return self._run(started)

    def _run(self, started: datetime) -> Report:
        self.scan = scan(self.sources, self.progress)
        channel = self.scan.channel
        self.report.site = channel.site_url
        self.report.title = channel.title
        self.report.wxr_version = channel.wxr_version
        self.report.recovered = self.scan.recovered
        self.site_key = _site_key(channel)
        self.parent = self._parent()
        self.site = self._site()
        try:
            self.uploads = Uploads(self.uploads_path)
        except UploadsError as error:
            raise ImportFailed(_("The uploads could not be read: %s") % error) from error
        try:
            self._images()
            self._posts()
        finally:
            self.uploads.close()
        if not self.dry_run:
            transaction.on_commit(lambda: page_cache_purge(reason="WordPress import"))
        self.report.seconds = (timezone.now() - started).total_seconds()
        return self.report

    def _parent(self) -> Page:
        parent = self.parent_given
        if parent is None:
            home = HomePage.objects.first()
            if home is None:
                raise ImportFailed(_("There is no home page to place the essays under."))
            return home
        parent = parent.specific
        if EssayPage not in [m for m in parent.specific_class.allowed_subpage_models()]:
            raise ImportFailed(
                _("Essays cannot be placed under “%(title)s”; choose the home page.")
                % {"title": parent.title}
            )
        return parent

    def _site(self) -> ImportedSite | None:
        known = ImportedSite.objects.filter(url=self.site_key).first()
        if known is not None and known.parent_id != self.parent.pk:
            raise ImportFailed(
                _(
                    "This WordPress site was imported under “%(title)s” before; import it "
                    "there again to update it. Nothing was imported."
                )
                % {"title": known.parent.title}
            )
        others = ImportedSite.objects.filter(parent=self.parent).exclude(url=self.site_key)
        if known is None and others.exists():
            raise ImportFailed(
                _(
                    "“%(title)s” holds the import of another WordPress site (%(other)s), not "
                    "of %(this)s. Choose another page, or import the export of %(other)s. "
                    "Nothing was imported."
                )
                % {
                    "title": self.parent.title,
                    "other": others.first(),
                    "this": self.site_key,
                }
            )
        if known is None and not self.dry_run:
            known = ImportedSite.objects.create(url=self.site_key, parent=self.parent)
        return known

    # -- images ---------------------------------------------------------------------------------

    def _existing(self, kind: str, keys: list[str]) -> dict[str, ImportedItem]:
        if self.site is None or not keys:
            return {}
        rows = ImportedItem.objects.filter(site=self.site, kind=kind, key__in=keys)
        return {row.key: row for row in rows}

    def _images(self) -> None:
        image_model = get_image_model()
        attachments = [
            a
            for a in self.scan.attachments.values()
            if Path(urlsplit(a.file or a.url).path).suffix.lower() in IMAGE_EXTENSIONS
        ]
        self.report.notes["other-attachments"] = len(self.scan.attachments) - len(attachments)
        known = self._existing("attachment", [str(a.wp_id) for a in attachments])
        alive = set(
            image_model.objects.filter(
                pk__in=[row.object_id for row in known.values()]
            ).values_list("pk", flat=True)
        )
        for n, attachment in enumerate(attachments):
            self.progress("images", n, len(attachments))
            row = known.get(str(attachment.wp_id))
            if row is not None and row.object_id in alive:
                self.images[attachment.wp_id] = (row.object_id, attachment.alt)
                self.report.images["unchanged"] += 1
                continue
            key = self.uploads.find(attachment.file, *convert.url_key_variants(attachment.url))
            if key is None:
                self.report.images["missing"] += 1
                self.report.problem(
                    "missing-image",
                    _("Not in the uploads: %s") % (attachment.file or attachment.url),
                    wp_id=attachment.wp_id,
                    title=attachment.title,
                )
                continue
            if self.dry_run:
                self.images[attachment.wp_id] = (0, attachment.alt)
                self.report.images["created"] += 1
                continue
            image_id = self._image_create(key, attachment.title, attachment.alt)
            if image_id is None:
                continue
            with transaction.atomic():
                ImportedItem.objects.update_or_create(
                    site=self.site,
                    kind="attachment",
                    key=str(attachment.wp_id),
                    defaults={"object_id": image_id, "fingerprint": key},
                )
            self.images[attachment.wp_id] = (image_id, attachment.alt)
            self.report.images["created"] += 1
        self.progress("images", len(attachments), len(attachments))

    def _image_create(self, key: str, title: str, alt: str) -> int | None:
        image_model = get_image_model()
        name = key.rsplit("/", 1)[-1]
        try:
            with self.uploads.open(key) as handle:
                data = handle.read()
            from io import BytesIO

            with PILImage.open(BytesIO(data)) as probe:
                probe.verify()
            image = image_model(title=(title or name)[:255], description=alt[:255])
            image.file = ImageFile(BytesIO(data), name=name)
            with transaction.atomic():
                image.save()
        except Exception as error:  # a broken file must not stop the move
            logger.info("image %s not imported: %s", key, error)
            self.report.images["failed"] += 1
            self.report.problem("bad-image", _("Not a readable image: %s") % key)
            return None
        return int(image.pk)

    def _resolve(self, url: str, wp_id: int | None) -> tuple[int, str] | None:
        """An image in a post's HTML: by its attachment id, else by its address (any size
        WordPress made of it), else a file of that path in the uploads (an export of posts
        only has no attachments)."""
        if wp_id is not None and wp_id in self.images:
            return self.images[wp_id]
        variants = convert.url_key_variants(url) if url else []
        for variant in variants:
            found = self.scan.by_key.get(variant)
            if found is not None and found in self.images:
                return self.images[found]
        key = self.uploads.find(*variants) if variants else None
        if key is None:
            return None
        if key in self.files:
            return self.files[key]
        if self.dry_run:
            self.files[key] = (0, "")
            return self.files[key]
        known = self._existing("file", [key]).get(key)
        image_id: int | None
        if known is not None and get_image_model().objects.filter(pk=known.object_id).exists():
            image_id = int(known.object_id)
        else:
            image_id = self._image_create(key, "", "")
            if image_id is None:
                return None
            ImportedItem.objects.update_or_create(
                site=self.site,
                kind="file",
                key=key,
                defaults={"object_id": image_id, "fingerprint": key},
            )
            self.report.images["created"] += 1
        self.files[key] = (image_id, "")
        return self.files[key]

    # -- posts ----------------------------------------------------------------------------------

    def _posts(self) -> None:
        done = 0
        total = self.scan.posts
        self.progress("posts", 0, total)
        for item in _items(self.sources):
            if item.post_type not in POST_TYPES:
                if item.post_type != "attachment":
                    self.report.post(item.post_type, item.status, "skipped")
                continue
            main, self.report = self.report, Report()
            files = dict(self.files)
            try:
                if self.dry_run:
                    self._post(item)
                else:
                    with transaction.atomic():
                        self._post(item)
                main.merge(self.report)
            except Exception as error:
                # Its transaction is rolled back: none of its counts, none of its images.
                logger.exception("WordPress post %s failed", item.post_id)
                self.files = files
                self.report = main
                self.report.post(item.post_type, item.status, "failed")
                self.report.problem(
                    "failed",
                    _("Not imported: %s") % _error_text(error),
                    wp_id=item.post_id,
                    title=item.title,
                )
            self.report = main
            done += 1
            self.progress("posts", done, total)

    def _post(self, item: wxr.Item) -> None:
        status = item.status or "publish"
        if status in {"auto-draft", "inherit", "trash"}:
            self.report.post(item.post_type, status, "skipped")
            return
        when = utc(item.post_date, item.post_date_gmt, self.scan.zone)
        conversion = convert.body_blocks(
            item.content,
            resolve=self._resolve,
            site_url=self.scan.channel.site_url,
            attachment_urls={k: a.url for k, a in self.scan.attachments.items()},
        )
        self.report.shortcodes.update(conversion.shortcodes)
        self.report.notes.update(conversion.notes)
        for src in conversion.missing_images:
            self.report.problem(
                "missing-image",
                _("An image in the text is not in the uploads: %s") % src,
                wp_id=item.post_id,
                title=item.title,
            )
        blocks = [self._gate_value(b) for b in conversion.blocks]
        values = self._values(item, status, when, blocks)
        fingerprint = _fingerprint(
            {k: v for k, v in values.items() if k != "body"},
            [{"type": b["type"], "value": b["value"]} for b in blocks],
        )
        row = self._existing("post", [str(item.post_id)]).get(str(item.post_id))
        page: EssayPage | None = None
        if row is not None:
            page = EssayPage.objects.filter(pk=row.object_id).first()
            if page is None:
                self.report.post(item.post_type, status, "skipped")
                self.report.problem(
                    "deleted",
                    _("Deleted here since the last import; not made again."),
                    wp_id=item.post_id,
                    title=item.title,
                )
                return
            if row.fingerprint == fingerprint:
                self.report.post(item.post_type, status, "unchanged")
            elif page.latest_revision_id != row.revision_id:
                self.report.post(item.post_type, status, "skipped")
                self.report.problem(
                    "edited",
                    _("Edited here since the last import; left as the editors made it."),
                    wp_id=item.post_id,
                    title=item.title,
                )
            else:
                self.report.post(item.post_type, status, "updated")
                if not self.dry_run:
                    self._page_write(page, item, status, when, values, blocks, row, fingerprint)
        else:
            self.report.post(item.post_type, status, "created")
            if not self.dry_run:
                page = self._page_write(None, item, status, when, values, blocks, None, fingerprint)
        self._comments(item, page)
        if page is not None and not self.dry_run:
            self._redirects(item, page)

    def _gate_value(self, block: dict[str, Any]) -> dict[str, Any]:
        if block["type"] == "gate":
            block["value"] = {
                "heading": _("Want to read on?"),
                "text": "<p>{}</p>".format(
                    _("Leave your name and email address and the whole text comes as a PDF.")
                ),
            }
        return block

    def _values(
        self, item: wxr.Item, status: str, when: datetime | None, blocks: list[Any]
    ) -> dict[str, Any]:
        title = re.sub(r"\s+", " ", convert.comment_text(item.title)).strip()
        slug = unquote(item.post_name).strip()
        slug = slugify(slug, allow_unicode=True) or slugify(title, allow_unicode=True)
        author = self.scan.channel.authors.get(item.creator, item.creator).strip()
        local = timezone.localtime(when) if when else timezone.localtime()
        return {
            "title": (title or _("Untitled (WordPress %d)") % item.post_id)[:255],
            "slug": (slug or f"wp-{item.post_id}")[:240],
            "introduction": convert.comment_text(item.excerpt),
            "date": local.date().isoformat(),
            "when": when.isoformat() if when else "",
            "status": status,
            "password": bool(item.password),
            "author": (author or self.scan.channel.title or "WordPress")[:200],
            "comments": item.comment_status != "closed",
            "download": item.post_type == "post",
            "hero": self.images.get(_int(item.meta.get("_thumbnail_id", "")), (None, ""))[0],
            "body": blocks,
        }

    def _slug(self, slug: str, page: EssayPage | None) -> str:
        siblings = self.parent.get_children()
        if page is not None:
            siblings = siblings.exclude(pk=page.pk)
        taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True))
        candidate, n = slug, 1
        while candidate in taken:
            n += 1
            candidate = f"{slug}-{n}"
        return candidate

    def _page_write(
        self,
        page: EssayPage | None,
        item: wxr.Item,
        status: str,
        when: datetime | None,
        values: dict[str, Any],
        blocks: list[Any],
        row: ImportedItem | None,
        fingerprint: str,
    ) -> EssayPage:
        now = timezone.now()
        publish = status in {"publish", "future"} and not values["password"]
        scheduled = publish and status == "future" and when is not None and when > now
        if status in {"private"} or values["password"]:
            self.report.problem(
                "private",
                _("Private or protected in WordPress: imported as a draft."),
                wp_id=item.post_id,
                title=values["title"],
            )
        new = page is None
        if page is None:
            page = EssayPage(live=False)
        page.title = values["title"]
        page.slug = self._slug(values["slug"], None if new else page)
        page.introduction = values["introduction"]
        page.date = datetime.fromisoformat(values["date"]).date()
        page.body = blocks
        page.comments_enabled = values["comments"]
        page.download_enabled = values["download"]
        page.hero_image_id = values["hero"] or None
        page.authors.set([EssayAuthor(name=values["author"])])
        if publish and when is not None and when <= now and page.first_published_at is None:
            page.first_published_at = when
        page.go_live_at = when if scheduled else None
        clean = bool(blocks)
        if not clean:
            # An empty post stays empty: the editors see a page without text, not made-up text.
            page.full_clean = lambda *args, **kwargs: None
            self.report.notes["empty-body"] += 1
        if new:
            self.parent.add_child(instance=page)
        # A new page was validated as add_child saved it; once is enough (each costs a query
        # per foreign key).
        revision = page.save_revision(clean=clean and not new, log_action=True)
        if publish:
            revision.publish(skip_permission_checks=True)
            if scheduled:
                self.report.notes["scheduled"] += 1
        elif page.live:
            page.unpublish()
        if when is not None and publish and not scheduled:
            EssayPage.objects.filter(pk=page.pk).update(
                first_published_at=when, last_published_at=when
            )
        ImportedItem.objects.update_or_create(
            site=self.site,
            kind="post",
            key=str(item.post_id),
            defaults={
                "object_id": page.pk,
                "fingerprint": fingerprint,
                "revision_id": revision.pk,
            },
        )
        return page

    # -- comments ---------------------------------------------------------------------------------

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
        known = self._existing("comment", [str(c.id) for c in item.comments])
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
            fingerprint = _fingerprint(values, source.parent)
            row = known.get(str(source.id))
            comment = existing.get(row.object_id) if row else None
            if comment is not None and row is not None:
                made[source.id] = comment
                if row.fingerprint == fingerprint:
                    self.report.comments[label]["unchanged"] += 1
                    continue
                self.report.comments[label]["updated"] += 1
                for key, value in values.items():
                    setattr(comment, key, value)
                comment.status_changed_at = when
                changed.append((source, comment, fingerprint))
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
            new.append((source, comment, fingerprint))
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
        for source, _comment, fingerprint in changed:
            ImportedItem.objects.filter(site=self.site, kind="comment", key=str(source.id)).update(
                fingerprint=fingerprint
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

    # -- old addresses --------------------------------------------------------------------------

    def _old_paths(self, item: wxr.Item, page: EssayPage) -> list[str]:
        base = urlsplit(self.scan.channel.site_url).path.rstrip("/")
        paths: list[str] = []
        if item.link:
            link = urlsplit(item.link)
            paths.append(link.path + (f"?{link.query}" if link.query else ""))
        name = item.post_name.strip()
        if name:
            paths.append(f"{base}/{name}/")
            when = _parse_date(item.post_date)
            if when is not None and item.post_type == "post":
                paths.append(f"{base}/{when:%Y/%m/%d}/{name}/")
                paths.append(f"{base}/{when:%Y/%m}/{name}/")
        query = "page_id" if item.post_type == "page" else "p"
        paths.append(f"{base}/?{query}={item.post_id}")
        if query == "page_id":
            paths.append(f"{base}/?p={item.post_id}")
        own = Redirect.normalise_path(page.url or "")
        normalised = []
        for path in paths:
            old = Redirect.normalise_path(path)
            if old and old not in {"/", own} and old not in normalised and len(old) <= 255:
                normalised.append(old)
        return normalised

    def _redirects(self, item: wxr.Item, page: EssayPage) -> None:
        site = page.get_site()
        paths = self._old_paths(item, page)
        taken = {
            r.old_path: r
            for r in Redirect.objects.filter(old_path__in=paths, site=site).select_related(
                "redirect_page"
            )
        }
        for path in paths:
            redirect = taken.get(path)
            if redirect is None:
                Redirect.objects.create(
                    old_path=path, site=site, redirect_page=page, is_permanent=True
                )
                self.report.redirects["created"] += 1
            elif redirect.redirect_page_id == page.pk:
                self.report.redirects["unchanged"] += 1
            else:
                self.report.redirects["conflict"] += 1
                self.report.problem(
                    "redirect",
                    _("The old address %(path)s leads to another page already.") % {"path": path},
                    wp_id=item.post_id,
                    title=item.title,
                )


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return 0


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{key}: {' '.join(str(m) for m in messages)}"
            for key, messages in getattr(error, "message_dict", {"": error.messages}).items()
        )
    return f"{type(error).__name__}: {error}"


def wordpress_import(
    *,
    export: Path,
    uploads: Path | None = None,
    parent: Page | None = None,
    dry_run: bool = False,
    include_spam: bool = False,
    include_pings: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Import a WordPress export (or, with `dry_run`, say what importing it would do)."""
    return Importer(
        export=export,
        uploads=uploads,
        parent=parent,
        dry_run=dry_run,
        include_spam=include_spam,
        include_pings=include_pings,
        progress=progress,
    ).run()
