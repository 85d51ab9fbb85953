"""Reading a WordPress export (WXR 1.0, 1.1, 1.2) as a stream of items.

The file is read in chunks: each chunk is decoded (UTF-8, and byte by byte cp1252 where it is
not UTF-8), cleaned of the characters XML forbids, and fed to lxml's pull parser, which
recovers from the other faults real exports have (a `]]>` inside CDATA, a stray `&`). After
each `<item>` the parsed elements are dropped, so memory does not grow with the file."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree

CHUNK = 256 * 1024
# Meta keys worth keeping; plugins write hundreds of others, which are only counted.
META_KEPT = {"_wp_attached_file", "_wp_attachment_image_alt", "_thumbnail_id"}
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


class NotWxr(Exception):
    """The file is not a WordPress export, or it is cut off: nothing is imported from it."""


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("wxr-cp1252", _cp1252_fallback)


@dataclass
class Comment:
    id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: int = 0


@dataclass
class Item:
    post_id: int
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    post_name: str = ""
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    comment_status: str = ""
    post_parent: int = 0
    password: str = ""
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    meta_other: int = 0
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    language: str = ""
    authors: dict[str, str] = field(default_factory=dict)

    @property
    def site_url(self) -> str:
        """The address of the blog exported: WordPress.com names itself in base_site_url."""
        return (self.base_blog_url or self.link or self.base_site_url).strip().rstrip("/")


def _local(tag: Any) -> str:
    """`wp:post_id` for any WXR version's namespace; other namespaces keep a short prefix."""
    if not isinstance(tag, str):
        return ""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    if "wordpress.org/export" in uri:
        return f"excerpt:{name}" if "excerpt" in uri else f"wp:{name}"
    if "purl.org/rss/1.0/modules/content" in uri:
        return f"content:{name}"
    if "purl.org/dc/elements" in uri:
        return f"dc:{name}"
    return name


def _text(element: Any) -> str:
    return "".join(element.itertext()) if len(element) else (element.text or "")


def _int(value: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        return 0


_ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "dc:creator": "creator",
    "wp:post_type": "post_type",
    "wp:status": "status",
    "wp:post_name": "post_name",
    "wp:post_date": "post_date",
    "wp:post_date_gmt": "post_date_gmt",
    "wp:comment_status": "comment_status",
    "wp:post_password": "password",
    "wp:attachment_url": "attachment_url",
}
_COMMENT_FIELDS = {
    "wp:comment_author": "author",
    "wp:comment_author_email": "email",
    "wp:comment_author_url": "url",
    "wp:comment_author_IP": "ip",
    "wp:comment_date": "date",
    "wp:comment_date_gmt": "date_gmt",
    "wp:comment_content": "content",
    "wp:comment_approved": "approved",
    "wp:comment_type": "type",
}


def _item(element: Any) -> Item:
    item = Item(post_id=0)
    for child in element:
        name = _local(child.tag)
        if name in _ITEM_FIELDS:
            setattr(
                item,
                _ITEM_FIELDS[name],
                _text(child).strip() if name != "content:encoded" else _text(child),
            )
        elif name == "wp:post_id":
            item.post_id = _int(_text(child))
        elif name == "wp:post_parent":
            item.post_parent = _int(_text(child))
        elif name == "wp:postmeta":
            key = value = ""
            for part in child:
                if _local(part.tag) == "wp:meta_key":
                    key = _text(part).strip()
                elif _local(part.tag) == "wp:meta_value":
                    value = _text(part)
            if key in META_KEPT:
                item.meta[key] = value.strip()
            else:
                item.meta_other += 1
        elif name == "wp:comment":
            comment = Comment(id=0)
            for part in child:
                part_name = _local(part.tag)
                if part_name in _COMMENT_FIELDS:
                    setattr(comment, _COMMENT_FIELDS[part_name], _text(part))
                elif part_name == "wp:comment_id":
                    comment.id = _int(_text(part))
                elif part_name == "wp:comment_parent":
                    comment.parent = _int(_text(part))
            for name_ in ("author", "email", "url", "ip", "date", "date_gmt", "approved", "type"):
                setattr(comment, name_, getattr(comment, name_).strip())
            item.comments.append(comment)
    return item


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The file as clean UTF-8 without its XML declaration (whose encoding no longer holds)."""
    decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")(errors="wxr-cp1252")
    first = True
    while True:
        raw = stream.read(CHUNK)
        final = not raw
        if first:
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            declared = _DECLARATION.match(raw)
            if declared and re.search(rb"encoding=[\"'](?!utf-?8)", declared.group(), re.I):
                # A declared single-byte encoding: decode as declared, not as UTF-8.
                encoding = re.search(rb"encoding=[\"']([\w.:-]+)", declared.group())
                try:
                    assert encoding is not None
                    decoder = codecs.getincrementaldecoder(encoding.group(1).decode())(
                        errors="replace"
                    )
                except (LookupError, AssertionError):
                    pass
            raw = _DECLARATION.sub(b"", raw, count=1)
            first = False
        text = decoder.decode(raw, final=final)
        if text:
            yield _FORBIDDEN.sub("", text).encode("utf-8")
        if final:
            return


@dataclass
class Reader:
    """Items of one export, read once from start to end. `channel` is filled before the first
    item; `problems` counts what the parser had to recover from."""

    path: Path
    channel: Channel = field(default_factory=Channel)
    recovered: int = 0
    bytes_read: int = 0
    size: int = 0

    def items(self) -> Iterator[Item]:
        self.size = self.path.stat().st_size
        parser = etree.XMLPullParser(
            events=("start", "end"),
            recover=True,
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
        )
        seen_rss = seen_channel = in_item = False
        tail = b""
        depth = 0
        with self.path.open("rb") as stream:
            for chunk in _chunks(stream):
                self.bytes_read = stream.tell()
                tail = (tail + chunk)[-64:]
                parser.feed(chunk)
                for event, element in parser.read_events():
                    name = _local(element.tag)
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            if name != "rss":
                                raise NotWxr("not-rss")
                            seen_rss = True
                        elif name == "channel" and depth == 2:
                            seen_channel = True
                        elif name == "item" and depth == 3:
                            in_item = True
                        continue
                    depth -= 1
                    if name == "item" and depth == 2:
                        in_item = False
                        yield _item(element)
                        self._drop(element)
                    elif depth == 2 and not in_item and seen_channel:
                        self._channel_field(name, element)
                        self._drop(element)
            try:
                parser.close()
            except etree.XMLSyntaxError as error:
                raise NotWxr("broken") from error
        self.recovered = len(parser.error_log)
        if not seen_rss or not seen_channel:
            raise NotWxr("not-rss")
        channel = self.channel
        if not (channel.wxr_version or channel.base_site_url or channel.authors):
            raise NotWxr("not-wxr")
        if not re.search(rb"</rss>\s*$", tail):
            raise NotWxr("truncated")

    def _channel_field(self, name: str, element: Any) -> None:
        channel = self.channel
        if name == "title":
            channel.title = _text(element).strip()
        elif name == "link":
            channel.link = _text(element).strip()
        elif name == "language":
            channel.language = _text(element).strip()
        elif name == "wp:wxr_version":
            channel.wxr_version = _text(element).strip()
        elif name == "wp:base_site_url":
            channel.base_site_url = _text(element).strip()
        elif name == "wp:base_blog_url":
            channel.base_blog_url = _text(element).strip()
        elif name == "wp:author":
            login = display = ""
            for part in element:
                part_name = _local(part.tag)
                if part_name == "wp:author_login":
                    login = _text(part).strip()
                elif part_name == "wp:author_display_name":
                    display = _text(part).strip()
            if login:
                channel.authors[login] = display or login

    @staticmethod
    def _drop(element: Any) -> None:
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
