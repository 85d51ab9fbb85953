"""The first reading of an export: whole and a WordPress export, or refused before anything is
written; its attachments, its number of posts, its time zone. And WordPress's dates."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import convert, wxr

POST_TYPES = {"post", "page"}
_ZERO_DATE = re.compile(r"^0000-00-00")

Progress = Callable[[str, int, int], None]


class ImportFailed(Exception):
    """Nothing was imported: the message says why, for the editor."""


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


def site_key(channel: wxr.Channel) -> str:
    url = channel.site_url
    if not url:
        return f"untitled:{channel.title}"[:255]
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"[:255]


def parse_date(value: str) -> datetime | None:
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
        a, b = parse_date(local), parse_date(gmt)
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
    exact = parse_date(gmt)
    if exact is not None:
        return exact.replace(tzinfo=UTC)
    value = parse_date(local)
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


def export_items(files: list[Path]) -> Iterator[wxr.Item]:
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
            elif site_key(reader.channel) != site_key(channel):
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
