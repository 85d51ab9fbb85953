"""The essay as a PDF: rendered once per published revision, stamped per reader in milliseconds.

Measured with `make bench` on a 50-page essay: pikepdf stamps a copy in about 20 ms plus the
overlay's 30 ms; pypdf needs about ten times as long and writes a far larger file. The overlay's
font is subset by HarfBuzz (libharfbuzz-subset0); without it WeasyPrint falls back to fontTools,
which took 195 ms a copy (`manage.py check --deploy` warns).
"""

from __future__ import annotations

import html
import io
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pikepdf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage

_OVERLAY_CSS = """
@page { size: A4; margin: 0 }
html, body { margin: 0 }
p { position: absolute; left: 22mm; right: 22mm; bottom: 7mm; margin: 0; text-align: center;
    font: 7pt "DejaVu Sans", sans-serif; color: #8a8a8a; letter-spacing: 0.02em;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis }
"""
_STAMP_NAME_MAX = 60
# The overlays' font configuration, one per thread (fontconfig's are not to be shared between
# threads), kept: given none, WeasyPrint makes one for every document and never frees it, some
# 0.2 MB a stamped copy; a worker mailing a launch's copies grew by 1.5 GB.
_fonts = threading.local()


class PdfError(Exception):
    pass


def _local_file(url: str) -> Path | None:
    path = unquote(urlsplit(url).path)
    if path.startswith(settings.MEDIA_URL):
        candidate = (settings.MEDIA_ROOT / path.removeprefix(settings.MEDIA_URL)).resolve()
        if candidate.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
            return candidate
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        return Path(found) if isinstance(found, str) else None
    return None


class _LocalFetcher(URLFetcher):
    """Only the site's own media and static files: a PDF never makes a network request."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            local = _local_file(url)
            if local is None or not local.is_file():
                raise PdfError(f"not a local file: {url}")
            url = local.as_uri()
        return super().fetch(url, headers)


def essay_pdf_render(essay: FeaturePage) -> bytes:
    """The whole essay, beyond the gate too, with a cover, running header and page numbers."""
    document = render_to_string(
        "downloads/essay_print.html",
        {
            "page": essay,
            "blocks": essay.numbered_blocks(),
            "for_print": True,
            "LANGUAGE_CODE": settings.LANGUAGE_CODE,
        },
    )
    return bytes(
        HTML(
            string=document, base_url=settings.SITE_URL + "/", url_fetcher=_LocalFetcher()
        ).write_pdf()
    )


def _font_config() -> FontConfiguration:
    config: FontConfiguration | None = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def _overlay(line: str) -> pikepdf.Pdf:
    markup = (
        f"<html><head><style>{_OVERLAY_CSS}</style></head>"
        f"<body><p>{html.escape(line)}</p></body></html>"
    )
    return pikepdf.open(io.BytesIO(HTML(string=markup).write_pdf(font_config=_font_config())))


def _shortened(name: str) -> str:
    """A name for the one line at the foot of each page (the overlay's CSS cuts what is still
    too wide for the page with an ellipsis too)."""
    return name if len(name) <= _STAMP_NAME_MAX else name[: _STAMP_NAME_MAX - 1].rstrip() + "…"


def pdf_personal_copy(*, base: bytes, reader_name: str, title: str) -> bytes:
    """Every page of `base` with a quiet line naming the reader, who is named in the metadata
    too."""
    line = _("Personal copy for %(name)s") % {"name": reader_name}
    pdf = pikepdf.open(io.BytesIO(base))
    overlay = _overlay(_("Personal copy for %(name)s") % {"name": _shortened(reader_name)})
    stamp = pdf.copy_foreign(overlay.pages[0].as_form_xobject())
    for page in pdf.pages:
        page.add_overlay(stamp, pikepdf.Rectangle(*page.mediabox))
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Subject"] = line
    pdf.docinfo["/Keywords"] = line
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:description"] = line
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def pdf_page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)
