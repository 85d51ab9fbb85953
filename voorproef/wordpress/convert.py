"""A WordPress post's HTML as the essay's StreamField blocks.

WordPress stores what the editor wrote: classic posts without paragraph tags (blank lines
separate them, `wpautop` adds the tags when a page is shown), block-editor posts with their
blocks as HTML comments around ordinary HTML, and shortcodes in both. This module reads all
three into paragraphs, headings, images, quotes and the gate; it knows nothing of the
database: images are resolved through the function it is given."""

from __future__ import annotations

import html
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from lxml import etree
from lxml import html as lxml_html

# A resolved image: (image id, alt text); None when the file is not there.
ImageResolver = Callable[[str, int | None], "tuple[int, str] | None"]

GATE_SHORTCODES = {"gate", "lead-gate", "lead_gate", "leadgate", "content_gate", "voorproef_gate"}
# Shortcodes that embed media (WordPress's own and WordPress.com's): a link to what they show.
MEDIA_SHORTCODES = {
    "embed", "audio", "video", "playlist", "youtube", "vimeo", "dailymotion", "soundcloud",
    "spotify", "tweet", "twitter", "instagram", "googlemaps", "ted", "slideshare", "flickr",
}  # fmt: skip
_BARE_URL = re.compile(r"^https?://[^\s<>\"']+$")
_GATE_MARK = "wp-gate-marker"
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
    "iframe", "video", "audio", "object", "embed", "script", "style", "noscript", "center",
    _GATE_MARK,
}  # fmt: skip
_DROPPED = {"script", "style", "noscript", "form", "input", "button", "select", "textarea"}
_INLINE_KEEP = {"b", "i", "a", "br", "sup", "sub"}
_INLINE_RENAME = {"strong": "b", "em": "i", "cite": "i", "dfn": "i", "var": "i"}
_SIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")

# WordPress's own shortcode grammar (get_shortcode_regex), for any name.
_SHORTCODE = re.compile(
    r"\[(\[?)([\w-]+)(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:(/)\]|\](?:([^\[]*(?:\[(?!/\2\])[^\[]*)*)\[/\2\])?)(\]?)",
)
_ATTR = re.compile(
    r"([\w-]+)\s*=\s*\"([^\"]*)\"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'\"]+)"
)
_BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([\w/-]+)(\s+\{.*?\})?\s*(/?)-->", re.S)
_MORE = re.compile(r"<!--\s*more\b.*?-->|<!--\s*noteaser\s*-->", re.S | re.I)
_NEXTPAGE = re.compile(r"<!--\s*nextpage\s*-->", re.I)


@dataclass
class Conversion:
    blocks: list[dict[str, Any]] = field(default_factory=list)
    shortcodes: Counter[str] = field(default_factory=Counter)
    missing_images: list[str] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)
    has_gate: bool = False


def _attrs(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(text or ""):
        key = match.group(1) or match.group(3) or match.group(5)
        found[key.lower()] = match.group(2) or match.group(4) or match.group(6) or ""
    return found


def _shortcodes(text: str, result: Conversion, attachment_urls: dict[int, str]) -> str:
    """The shortcodes WordPress core knows become HTML this module reads; a gate shortcode
    the gate; any other is left standing as text, and counted."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]  # [[escaped]] shows as [escaped]
        name, attrs = match.group(2).lower(), _attrs(match.group(3))
        inner = match.group(5) or ""
        if name in {"caption", "wp_caption"}:
            caption = attrs.get("caption", "")
            figure = re.sub(r"^\s*(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", "", inner, count=1)
            image = inner[: len(inner) - len(figure)] if figure != inner else ""
            caption = caption or figure.strip()
            return (
                f"<figure>{image}<figcaption>{html.escape(html.unescape(caption))}</figcaption></figure>"
                if image
                else inner
            )
        if name in GATE_SHORTCODES:
            return f"<{_GATE_MARK}></{_GATE_MARK}>{_shortcodes(inner, result, attachment_urls)}"
        if name == "gallery":
            ids = [
                int(i) for i in re.findall(r"\d+", attrs.get("ids", "") or attrs.get("include", ""))
            ]
            if not ids:
                result.notes["gallery-without-ids"] += 1
            figures = []
            for i in ids:
                src = html.escape(attachment_urls.get(i, ""))
                figures.append(f'<figure><img class="wp-image-{i}" src="{src}"></figure>')
            return "".join(figures)
        if name in MEDIA_SHORTCODES:
            positional = re.search(r"https?://[^\s\]\"']+", match.group(3) or "")
            url = (
                inner.strip()
                or attrs.get("src")
                or attrs.get("url")
                or attrs.get("mp4")
                or attrs.get("mp3")
                or (positional.group(0) if positional else "")
            )
            if (url and name == "embed") or url.startswith(("http://", "https://")):
                safe = html.escape(url.strip())
                return f'<p><a href="{safe}">{safe}</a></p>'
            return ""
        result.shortcodes[name] += 1
        if inner:
            return (
                match.group(0)[: match.start(5) - match.start(0)]
                + _shortcodes(inner, result, attachment_urls)
                + match.group(0)[match.end(5) - match.start(0) :]
            )
        return match.group(0)

    return _SHORTCODE.sub(replace, text)


def _gutenberg(text: str, result: Conversion) -> str:
    """Block comments read: the "more" block is the gate; the others only wrap their HTML."""

    def replace(match: re.Match[str]) -> str:
        closing, name = match.group(1), match.group(2)
        if name == "more" and not closing:
            return f"<{_GATE_MARK}></{_GATE_MARK}>"
        if name == "block" and not closing:
            result.notes["reusable-block"] += 1
        return ""

    return _BLOCK_COMMENT.sub(replace, text)


def _is_block(element: Any) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS


def _new_id() -> str:
    return str(uuid.uuid4())


class _Builder:
    def __init__(
        self,
        result: Conversion,
        resolve: ImageResolver,
        site_url: str,
        classic: bool,
    ) -> None:
        self.result = result
        self.resolve = resolve
        self.site = urlsplit(site_url) if site_url else None
        self.classic = classic
        self.pending: list[str] = []  # inline HTML of the paragraph being gathered

    # -- output ---------------------------------------------------------------------------

    def add(self, kind: str, value: Any) -> None:
        self.result.blocks.append({"type": kind, "value": value, "id": _new_id()})

    def flush(self) -> None:
        fragment = "".join(self.pending).strip()
        self.pending = []
        if not fragment:
            return
        for part in (
            re.split(r"(?:<br\s*/?>\s*){2,}|\n\s*\n", fragment) if self.classic else [fragment]
        ):
            cleaned = _inline_clean(part.strip())
            if self.classic:
                cleaned = re.sub(r"\s*\n\s*", "<br/>", cleaned.strip())
            if _BARE_URL.match(html.unescape(cleaned)):
                # A web address alone on its line: WordPress showed what it points at (oEmbed).
                self.link_block(html.unescape(cleaned))
            elif re.sub(r"<br\s*/?>|&nbsp;|\s", "", cleaned):
                self.add("paragraph", f"<p>{cleaned}</p>")

    # -- links ----------------------------------------------------------------------------

    def href(self, url: str) -> str:
        """Links to the old site become paths on this one, where its redirects answer."""
        url = url.strip()
        if self.site and url:
            parts = urlsplit(url)
            if (
                parts.netloc
                and parts.netloc.lower().removeprefix("www.")
                == (self.site.netloc.lower().removeprefix("www."))
                and "/wp-content/" not in parts.path
            ):
                path = parts.path or "/"
                return (
                    path
                    + (f"?{parts.query}" if parts.query else "")
                    + (f"#{parts.fragment}" if parts.fragment else "")
                )
        return url

    # -- walking ---------------------------------------------------------------------------

    def inline(self, element: Any) -> str:
        """An inline element as HTML, with links made local; images inside are lifted out."""
        for img in list(element.iter("img")):
            self.flush_before_image(img)
        for anchor in element.iter("a"):
            if anchor.get("href"):
                anchor.set("href", self.href(anchor.get("href")))
        return str(etree.tostring(element, encoding="unicode", with_tail=False))

    def flush_before_image(self, img: Any) -> None:
        """An image amid text: the text before it is a paragraph, the image a block."""
        self.flush()
        self.image(img, caption="")
        parent = img.getparent()
        tail = img.tail or ""
        if parent is not None:
            img.tail = None
            parent.remove(img)
            if tail:
                self.pending.append(html.escape(tail))

    def image(self, img: Any, caption: str) -> None:
        src = img.get("src") or img.get("data-src") or ""
        match = re.search(r"wp-image-(\d+)", img.get("class") or "")
        wp_id = int(match.group(1)) if match else None
        if not src and wp_id is None:
            return
        found = self.resolve(src, wp_id)
        if found is None:
            self.result.missing_images.append(src or f"#{wp_id}")
            return
        image_id, default_alt = found
        alt = (img.get("alt") or "").strip() or default_alt
        self.add(
            "image",
            {
                "image": {"image": image_id, "decorative": False, "alt_text": alt[:255]},
                "caption": caption[:300],
                "wide": "alignwide" in (img.get("class") or "")
                or "alignfull" in (img.get("class") or ""),
            },
        )

    def link_block(self, url: str) -> None:
        url = self.href(url)
        if url:
            safe = html.escape(url)
            self.add("paragraph", f'<p><a href="{safe}">{safe}</a></p>')

    def text_of(self, element: Any) -> str:
        return re.sub(r"[ \t\r\f\v]+", " ", "".join(element.itertext())).strip()

    def walk(self, parent: Any) -> None:
        if parent.text:
            self.pending.append(html.escape(parent.text))
        for child in parent:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                if child.tail:
                    self.pending.append(html.escape(child.tail))
                continue
            if _is_block(child):
                self.flush()
                self.block(child)
            elif child.tag == "img":
                self.flush()
                self.image(child, caption="")
            else:
                self.pending.append(self.inline(child))
            if child.tail:
                self.pending.append(html.escape(child.tail))
        self.flush()

    def block(self, element: Any) -> None:
        tag = element.tag.lower()
        classes = element.get("class") or ""
        if tag == _GATE_MARK:
            if not self.result.has_gate:
                self.result.has_gate = True
                self.add("gate", None)
            return
        if tag in _DROPPED:
            self.result.notes[f"dropped-{tag}"] += 1
            return
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            text = self.text_of(element)
            if text:
                level = "h2" if tag in {"h1", "h2"} else "h3"
                self.add("heading", {"text": text[:200], "level": level})
            return
        if tag == "figure" and "wp-block-embed" in classes:
            self.link_block(self.text_of(element).split()[0] if self.text_of(element) else "")
            return
        if tag == "figure":
            caption_el = element.find(".//figcaption")
            caption = self.text_of(caption_el) if caption_el is not None else ""
            images = list(element.iter("img"))
            if images:
                for img in images:
                    self.image(img, caption=caption if len(images) == 1 else "")
                if len(images) > 1 and caption:
                    self.add("paragraph", f"<p><i>{html.escape(caption)}</i></p>")
                return
            if caption_el is not None:
                caption_el.getparent().remove(caption_el)
            self.walk(element)
            return
        if tag == "blockquote":
            cite = element.find(".//cite")
            attribution = ""
            if cite is not None and cite.getparent() is not element.find(".//p"):
                attribution = self.text_of(cite)
                cite.getparent().remove(cite) if cite.getparent() is not None else None
            parts = [self.text_of(p) for p in element.iter("p")] or [self.text_of(element)]
            text = "\n\n".join(p for p in parts if p)
            if text:
                self.add("quote", {"text": text, "attribution": attribution[:200]})
            return
        if tag in {"ul", "ol"}:
            for anchor in element.iter("a"):
                if anchor.get("href"):
                    anchor.set("href", self.href(anchor.get("href")))
            for img in list(element.iter("img")):
                img.getparent().remove(img)
            listed = _inline_clean(
                str(etree.tostring(element, encoding="unicode", with_tail=False)),
                lists=True,
            )
            if re.search(r"<li>", listed):
                self.add("paragraph", listed)
            return
        if tag in {"iframe", "video", "audio", "embed", "object"}:
            source = element.find(".//source")
            url = (
                element.get("src")
                or element.get("data")
                or (source.get("src") if source is not None else "")
            )
            self.link_block(url or "")
            self.result.notes["embed-as-link"] += 1
            return
        if tag == "pre":
            lines = html.escape("".join(element.itertext()).strip("\n")).split("\n")
            if any(line.strip() for line in lines):
                self.add("paragraph", "<p>" + "<br/>".join(lines) + "</p>")
            return
        if tag == "table":
            self.result.notes["table-flattened"] += 1
            rows = [
                " | ".join(self.text_of(cell) for cell in row if isinstance(cell.tag, str))
                for row in element.iter("tr")
            ]
            text = "<br/>".join(html.escape(r) for r in rows if r.strip(" |"))
            if text:
                self.add("paragraph", f"<p>{text}</p>")
            return
        if tag == "hr":
            return
        if tag == "p":
            self.walk_paragraph(element)
            return
        self.walk(element)

    def walk_paragraph(self, element: Any) -> None:
        classic, self.classic = self.classic, False
        self.walk(element)
        self.classic = classic


def _inline_clean(fragment: str, *, lists: bool = False) -> str:
    for source, target in _INLINE_RENAME.items():
        fragment = re.sub(rf"<(/?){source}\b[^>]*>", rf"<\1{target}>", fragment, flags=re.I)
    tags = _INLINE_KEEP | ({"ul", "ol", "li"} if lists else set())
    cleaned = nh3.clean(
        fragment,
        tags=tags,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )
    # A link that held only an image, now a block of its own, is left empty: it goes.
    cleaned = re.sub(r"<a\b[^>]*>\s*</a>", "", cleaned)
    return cleaned.replace("<br>", "<br/>")


def body_blocks(
    content: str,
    *,
    resolve: ImageResolver,
    site_url: str = "",
    attachment_urls: dict[int, str] | None = None,
) -> Conversion:
    result = Conversion()
    classic = "<!-- wp:" not in content
    text = _NEXTPAGE.sub("", content.replace("\r\n", "\n").replace("\r", "\n"))
    text = _MORE.sub(f"<{_GATE_MARK}></{_GATE_MARK}>", text)
    text = _gutenberg(text, result)
    text = _shortcodes(text, result, attachment_urls or {})
    if not text.strip():
        return result
    try:
        root = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        result.notes["unreadable-html"] += 1
        return result
    builder = _Builder(result, resolve, site_url, classic)
    builder.walk(root)
    return result


def url_key(url: str) -> str:
    """What identifies an uploaded file in any of its addresses: the path below `uploads/`
    (or below the host, for WordPress.com's file hosts), without a size WordPress made."""
    parts = urlsplit(url.strip())
    path = parts.path
    if "/uploads/" in path:
        path = path.split("/uploads/", 1)[1]
    elif parts.netloc.endswith(".files.wordpress.com") or parts.netloc.endswith(".wp.com"):
        path = path.lstrip("/")
        if parts.netloc.endswith(".wp.com"):  # i0.wp.com/example.com/wp-content/uploads/…
            path = path.split("/", 1)[1] if "/" in path else path
    else:
        path = path.lstrip("/")
    return unquote(path).lower()


def url_key_variants(url: str) -> list[str]:
    """The file's own path first, then without the size WordPress may have added (a file may
    well be called `photo-300x200.jpg` itself), without `-scaled` and an edit's stamp."""
    exact = url_key(url)
    key = _SIZED.sub("", exact)
    variants = [exact] if exact != key else []
    variants.append(key)
    unscaled = re.sub(r"-scaled(?=\.\w+$)", "", key)
    unedited = re.sub(r"-e\d{10,}(?=\.\w+$)", "", unscaled)
    for variant in (unscaled, unedited):
        if variant not in variants:
            variants.append(variant)
    return variants


def comment_text(content: str) -> str:
    """A comment's HTML as the plain text this site keeps: paragraphs and line breaks stay,
    a link keeps its address next to its words."""
    text = content.replace("\r\n", "\n")

    def link(match: re.Match[str]) -> str:
        href = _attrs(match.group(1)).get("href", "")
        words = re.sub(r"<[^>]+>", "", match.group(2)).strip()
        if not href or href == words or not href.startswith(("http://", "https://")):
            return words or href
        return f"{words} ({href})"

    text = re.sub(r"<a\b([^>]*)>(.*?)</a>", link, text, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</p>\s*", "\n\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
