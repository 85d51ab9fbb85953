from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from wagtail.models import Page

from voorproef.wordpress.report import report_text
from voorproef.wordpress.services import ImportFailed, wordpress_import


class _Bar:
    """A progress bar on a terminal; a line now and then elsewhere (a log)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if phase == self.phase and not finished and now - self.last < (0.2 if self.tty else 5):
            return
        self.phase, self.last = phase, now
        share = done / total if total else 0
        width = 30
        bar = "#" * int(width * share) + "-" * (width - int(width * share))
        line = f"{phase:<8} [{bar}] {int(share * 100):3d}% {done}/{total}"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): posts and pages as essays, images, comments, links."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", type=Path, help="the export, from WordPress's Tools → Export")
        parser.add_argument(
            "--uploads", type=Path, help="wp-content/uploads, as a folder or a ZIP file"
        )
        parser.add_argument("--parent", help="the page to place essays under: its id or path")
        parser.add_argument("--dry-run", action="store_true", help="report, import nothing")
        parser.add_argument(
            "--include-spam", action="store_true", help="also spam and trashed comments"
        )
        parser.add_argument(
            "--include-pings", action="store_true", help="also pingbacks and trackbacks"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        export: Path = options["export"]
        if not export.is_file():
            raise CommandError(_("No such file: %s") % export)
        parent = None
        if options["parent"]:
            ref = options["parent"]
            page = (
                Page.objects.filter(pk=int(ref)).first()
                if ref.isdigit()
                else Page.objects.filter(url_path__endswith="/" + ref.strip("/") + "/").first()
            )
            if page is None:
                raise CommandError(_("No such page: %s") % ref)
            parent = page
        try:
            report = wordpress_import(
                export=export,
                uploads=options["uploads"],
                parent=parent,
                dry_run=options["dry_run"],
                include_spam=options["include_spam"],
                include_pings=options["include_pings"],
                progress=_Bar(sys.stderr),
            )
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            import json

            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(report_text(report.as_dict()))
