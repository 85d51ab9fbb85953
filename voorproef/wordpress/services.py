"""Moving a WordPress site in: its posts and pages as essays, its images, its comments with
their threads, and its old addresses as permanent redirects.

The export is read twice, streaming: once to check it is whole and a WordPress export (nothing
is written before that) and to learn its attachments; then to import, one post per
transaction. Every object made is remembered by its WordPress id (`ImportedItem`), so a second
run updates what changed and leaves the rest."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from voorproef.core.pagecache import page_cache_purge
from voorproef.essays.models import EssayAuthor, EssayPage, HomePage

from . import convert, wxr
from .models import ImportedItem, ImportedSite, fingerprint, imported
from .report import Report
from .scan import (
    POST_TYPES,
    ImportFailed,
    Progress,
    export_files,
    export_items,
    parse_date,
    scan,
    site_key,
    utc,
)
from .threads import CommentsImport
from .uploads import Uploads, UploadsError

__all__ = ["ImportFailed", "Report", "wordpress_import"]

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff"}


class Importer(CommentsImport):
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
        self.redirect_site: Any = None  # the site of the pages, read once
        self.images: dict[int, tuple[int, str]] = {}  # attachment id → (image id, alt)
        self.files: dict[str, tuple[int, str]] = {}  # uploads key → (image id, alt)

    # -- the whole run ------------------------------------------------------------------------

    def run(self) -> Report:
        started = timezone.now()
        with export_files(self.export) as self.sources:
            return self._run(started)

    def _run(self, started: datetime) -> Report:
        self.scan = scan(self.sources, self.progress)
        self.attachment_urls = {k: a.url for k, a in self.scan.attachments.items()}
        channel = self.scan.channel
        self.report.site = channel.site_url
        self.report.title = channel.title
        self.report.wxr_version = channel.wxr_version
        self.report.recovered = self.scan.recovered
        self.site_key = site_key(channel)
        self.parent = self._parent()
        self.site = self._site()
        try:
            self.uploads = Uploads(self.uploads_path)
        except UploadsError as error:
            raise ImportFailed(_("The uploads could not be read: %s") % error) from error
        try:
            # Wagtail queues a task to index an object's references at every save: a page
            # is saved four times here. Each is indexed once, when it is done.
            with disable_reference_index_auto_update():
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

    def _images(self) -> None:
        image_model = get_image_model()
        attachments = [
            a
            for a in self.scan.attachments.values()
            if Path(urlsplit(a.file or a.url).path).suffix.lower() in IMAGE_EXTENSIONS
        ]
        self.report.notes["other-attachments"] = len(self.scan.attachments) - len(attachments)
        known = imported(self.site, "attachment", [str(a.wp_id) for a in attachments])
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
            with PILImage.open(BytesIO(data)) as probe:
                probe.verify()
            image = image_model(title=(title or name)[:255], description=alt[:255])
            image.file = ImageFile(BytesIO(data), name=name)
            with transaction.atomic():
                image.save()
                _index(image)
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
        known = imported(self.site, "file", [key]).get(key)
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
        for item in export_items(self.sources):
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
        if item.post_id <= 0:  # nothing to know it by on a second run
            self.report.post(item.post_type, status, "skipped")
            self.report.problem("no-id", _("Without a WordPress id: left out."), title=item.title)
            return
        when = utc(item.post_date, item.post_date_gmt, self.scan.zone)
        conversion = convert.body_blocks(
            item.content,
            resolve=self._resolve,
            site_url=self.scan.channel.site_url,
            attachment_urls=self.attachment_urls,
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
        made_from = fingerprint(
            {k: v for k, v in values.items() if k != "body"},
            [{"type": b["type"], "value": b["value"]} for b in blocks],
        )
        row = imported(self.site, "post", [str(item.post_id)]).get(str(item.post_id))
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
            if row.fingerprint == made_from:
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
                    self._page_write(page, item, status, when, values, blocks, row, made_from)
        else:
            self.report.post(item.post_type, status, "created")
            if not self.dry_run:
                page = self._page_write(None, item, status, when, values, blocks, None, made_from)
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
        made_from: str,
    ) -> EssayPage:
        now = timezone.now()
        # An essay without text cannot be published here: it comes as a draft, to be filled.
        publish = status in {"publish", "future"} and not values["password"] and bool(blocks)
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
            # An empty post stays empty: the editors see a draft without text, not made-up text.
            page.full_clean = lambda *args, **kwargs: None
            self.report.problem(
                "empty",
                _("No text (or only images not in the uploads): imported as a draft."),
                wp_id=item.post_id,
                title=values["title"],
            )
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
                "fingerprint": made_from,
                "revision_id": revision.pk,
            },
        )
        _index(page)
        return page

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
            when = parse_date(item.post_date)
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
        if self.redirect_site is None:
            self.redirect_site = page.get_site()
        site = self.redirect_site
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
                _index(
                    Redirect.objects.create(
                        old_path=path, site=site, redirect_page=page, is_permanent=True
                    )
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


def _index(instance: Any) -> None:
    if ReferenceIndex.is_indexed(type(instance)):
        ReferenceIndex.create_or_update_for_object(instance)


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
