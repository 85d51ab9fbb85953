"""Exports to import: the public test data beside this file, and small ones written here for
what the public ones lack (spam, orphans, missing dates, odd bytes)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

DATA = Path(__file__).parent / "data"
THEME = DATA / "themeunittestdata.wordpress.xml"
MISSING = "2008/06/canola2.jpg"  # left out of the uploads, to be reported


def uploads_zip(export: Path, target: Path, *, leave_out: set[str] | None = None) -> Path:
    """A ZIP of wp-content/uploads with a small picture for every attachment of the export."""
    text = export.read_text(encoding="utf-8")
    urls = re.findall(r"<wp:attachment_url>(?:<!\[CDATA\[)?([^<\]]+)", text)
    with zipfile.ZipFile(target, "w") as archive:
        for url in urls:
            path = re.split(r"files\.wordpress\.com/|/uploads/", url)[-1]
            if path in (leave_out or set()):
                continue
            buffer = io.BytesIO()
            fmt = "PNG" if path.lower().endswith(".png") else "JPEG"
            Image.new("RGB", (48, 32), (184, 92, 56)).save(buffer, fmt)
            archive.writestr(f"wp-content/uploads/{path}", buffer.getvalue())
    return target


def comment(
    cid: int,
    *,
    approved: str = "1",
    parent: int = 0,
    kind: str = "",
    author: str = "Lotte",
    email: str = "lotte@example.nl",
    date: str = "2020-06-01 14:00:00",
    date_gmt: str | None = "2020-06-01 12:00:00",
    ip: str = "203.0.113.9",
    text: str = "Mooi stuk.",
) -> str:
    gmt = "" if date_gmt is None else f"<wp:comment_date_gmt>{date_gmt}</wp:comment_date_gmt>"
    return f"""<wp:comment>
<wp:comment_id>{cid}</wp:comment_id>
<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email>
<wp:comment_author_url>https://lotte.example/</wp:comment_author_url>
<wp:comment_author_IP>{ip}</wp:comment_author_IP>
<wp:comment_date>{date}</wp:comment_date>{gmt}
<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>{kind}</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>"""


def post(
    pid: int,
    *,
    title: str = "Een essay",
    name: str | None = None,
    content: str = "Eerste alinea.\n\nTweede alinea.",
    status: str = "publish",
    post_type: str = "post",
    date: str = "2020-05-01 10:00:00",
    date_gmt: str | None = "2020-05-01 08:00:00",
    comments: str = "",
    extra: str = "",
    site: str = "https://blog.example.nl",
) -> str:
    name = f"essay-{pid}" if name is None else name
    gmt = "" if date_gmt is None else f"<wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>"
    return f"""<item>
<title>{escape(title)}</title>
<link>{site}/{date[:4]}/{date[5:7]}/{date[8:10]}/{name}/</link>
<dc:creator><![CDATA[anne]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{pid}</wp:post_id>
<wp:post_date>{date}</wp:post_date>{gmt}
<wp:comment_status>open</wp:comment_status>
<wp:post_name>{name}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>
<wp:postmeta><wp:meta_key>_yoast_wpseo_title</wp:meta_key><wp:meta_value><![CDATA[x]]></wp:meta_value></wp:postmeta>
{extra}{comments}
</item>"""


def export(
    *items: str,
    site: str = "https://blog.example.nl",
    version: str = "1.2",
    title: str = "Het blog",
) -> str:
    ns = f"http://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:wp="{ns}"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{title}</title>
<link>{site}</link>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>{site}</wp:base_site_url>
<wp:base_blog_url>{site}</wp:base_blog_url>
<wp:author><wp:author_login>anne</wp:author_login>
<wp:author_display_name><![CDATA[Anne de Vries]]></wp:author_display_name></wp:author>
{"".join(items)}
</channel>
</rss>
"""


def write(tmp: Path, text: str | bytes, name: str = "export.xml") -> Path:
    path = tmp / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path
