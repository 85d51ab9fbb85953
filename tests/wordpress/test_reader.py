"""Reading exports: every WXR version, and the faults real exports have."""

from __future__ import annotations

from pathlib import Path

import pytest

from voorproef.wordpress import wxr

from .helpers import DATA, THEME, export, post, write


def _items(path: Path) -> tuple[wxr.Reader, list[wxr.Item]]:
    reader = wxr.Reader(path)
    return reader, list(reader.items())


@pytest.mark.parametrize(
    ("name", "version"),
    [("valid-wxr-1.0.xml", "1.0"), ("valid-wxr-1.1.xml", "1.1"), (THEME.name, "1.2")],
)
def test_it_reads_every_wxr_version(name: str, version: str) -> None:
    reader, items = _items(DATA / name)
    assert reader.channel.wxr_version == version
    posts = [i for i in items if i.post_type == "post"]
    assert posts and all(p.post_id for p in posts)
    assert reader.channel.authors or version == "1.0"  # WXR 1.0 lists no authors


def test_it_reads_the_theme_unit_test_data_whole() -> None:
    reader, items = _items(THEME)
    assert reader.channel.site_url == "https://wpthemetestdata.wordpress.com"
    assert reader.channel.authors["themedemos"] == "Theme Buster"
    by_type: dict[str, int] = {}
    for item in items:
        by_type[item.post_type] = by_type.get(item.post_type, 0) + 1
    assert by_type["attachment"] == 38 and by_type["page"] == 21
    comments = [c for i in items for c in i.comments]
    assert len(comments) == 32
    threaded = next(i for i in items if i.post_id == 1148)
    assert {c.id: c.parent for c in threaded.comments}[905] == 904


def test_it_recovers_from_a_cdata_end_inside_cdata() -> None:
    _reader, items = _items(DATA / "crazy-cdata.xml")
    (item,) = items
    assert item.title == "Hello world!"
    assert "Content with nested" in item.content


def test_it_refuses_a_file_without_its_end() -> None:
    with pytest.raises(wxr.NotWxr, match="truncated"):
        _items(DATA / "malformed-simple.xml")


@pytest.mark.parametrize("name", ["missing-version-tag.xml", "invalid-version-tag.xml"])
def test_it_reads_an_export_whose_version_tag_is_wrong(name: str) -> None:
    # WordPress's own importer refuses these; the rest of the file is a sound export.
    reader, items = _items(DATA / name)
    assert reader.channel.base_site_url == "http://localhost/" and items == []


def test_it_refuses_a_truncated_export(tmp_path: Path) -> None:
    data = THEME.read_bytes()
    with pytest.raises(wxr.NotWxr, match="truncated"):
        _items(write(tmp_path, data[: len(data) // 2]))


@pytest.mark.parametrize(
    "text",
    [
        "<!doctype html><html><body><p>Not found</p></body></html>",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>'
        "<item><title>x</title></item></channel></rss>",
        "",
        "PK\x03\x04 zipped",
    ],
)
def test_it_refuses_what_is_not_an_export(tmp_path: Path, text: str) -> None:
    with pytest.raises(wxr.NotWxr):
        _items(write(tmp_path, text))


def test_it_cleans_forbidden_characters_and_reads_cp1252(tmp_path: Path) -> None:
    text = export(post(1, title="Caf\x01e\x0b", content="TITLE_HERE")).encode("utf-8")
    # A plugin wrote Windows-1252 bytes into an otherwise UTF-8 file.
    text = text.replace(b"TITLE_HERE", "Zo’n “dag” — één".encode("cp1252"))
    _reader, (item,) = _items(write(tmp_path, text))
    assert item.title == "Cafe"
    assert item.content == "Zo’n “dag” — één"


def test_it_reads_a_declared_latin1_export(tmp_path: Path) -> None:
    text = export(post(1, title="Café")).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    _reader, (item,) = _items(write(tmp_path, text.encode("latin-1")))
    assert item.title == "Café"


def test_it_keeps_only_the_postmeta_it_needs(tmp_path: Path) -> None:
    _reader, (item,) = _items(write(tmp_path, export(post(1))))
    assert item.meta == {} and item.meta_other == 1
