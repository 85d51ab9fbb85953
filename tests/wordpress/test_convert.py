"""A post's HTML as blocks: classic and block-editor posts, shortcodes, images, the gate."""

from __future__ import annotations

from typing import Any

from voorproef.wordpress.convert import body_blocks, comment_text, url_key_variants

IMAGES = {
    "2019/03/brug.jpg": 7,
}


def _resolve(url: str, wp_id: int | None) -> tuple[int, str] | None:
    if wp_id == 55:
        return (8, "de dijk")
    for key in url_key_variants(url):
        if key in IMAGES:
            return (IMAGES[key], "")
    return None


def _blocks(html: str) -> list[tuple[str, Any]]:
    result = body_blocks(html, resolve=_resolve, site_url="https://blog.example.nl")
    return [(b["type"], b["value"]) for b in result.blocks]


def test_a_classic_post_gets_its_paragraphs_and_line_breaks() -> None:
    assert _blocks("Eerste regel\ntweede regel.\n\nNieuwe <strong>alinea</strong>.") == [
        ("paragraph", "<p>Eerste regel<br/>tweede regel.</p>"),
        ("paragraph", "<p>Nieuwe <b>alinea</b>.</p>"),
    ]


def test_headings_lists_quotes_and_the_more_tag() -> None:
    html = (
        "<h2>Kop</h2><ul><li>een</li><li>twee</li></ul>Tekst<!--more-->Meer"
        "<blockquote><p>Zo is het.</p><cite>Anne</cite></blockquote>"
    )
    kinds = [kind for kind, _value in _blocks(html)]
    assert kinds == ["heading", "paragraph", "paragraph", "gate", "paragraph", "quote"]
    blocks = _blocks(html)
    assert blocks[1][1] == "<ul><li>een</li><li>twee</li></ul>"
    assert blocks[-1][1] == {"text": "Zo is het.", "attribution": "Anne"}


def test_a_block_editor_post_is_read_without_its_comments() -> None:
    html = (
        "<!-- wp:paragraph --><p>Voor.</p><!-- /wp:paragraph -->"
        '<!-- wp:image {"id":55} --><figure class="wp-block-image"><img src="x.jpg" '
        'class="wp-image-55"/><figcaption>Bij de dijk</figcaption></figure><!-- /wp:image -->'
        "<!-- wp:more --><!--more--><!-- /wp:more -->"
        '<!-- wp:embed {"url":"https://video.example/v/1"} --><figure class="wp-block-embed">'
        '<div class="wp-block-embed__wrapper">\nhttps://video.example/v/1\n</div></figure>'
        "<!-- /wp:embed -->"
    )
    blocks = _blocks(html)
    assert [kind for kind, _v in blocks] == ["paragraph", "image", "gate", "paragraph"]
    image = blocks[1][1]
    assert image["image"]["image"] == 8 and image["caption"] == "Bij de dijk"
    assert image["image"]["alt_text"] == "de dijk"
    assert 'href="https://video.example/v/1"' in blocks[3][1]
    assert "wp:" not in str(blocks)


def test_a_caption_shortcode_and_a_resized_image_find_the_picture() -> None:
    html = (
        '[caption id="attachment_3" width="300"]<img src="https://blog.example.nl/wp-content/'
        'uploads/2019/03/brug-300x200.jpg" alt="Brug" /> De brug bij nacht[/caption]'
    )
    ((kind, value),) = _blocks(html)
    assert kind == "image" and value["image"]["image"] == 7
    assert value["caption"] == "De brug bij nacht" and value["image"]["alt_text"] == "Brug"


def test_other_shortcodes_stay_as_text_and_are_counted() -> None:
    result = body_blocks(
        'Vooraf [contact-form-7 id="5"] en [[escaped]] en [lead-gate] daarna',
        resolve=_resolve,
    )
    assert result.shortcodes == {"contact-form-7": 1}
    kinds = [b["type"] for b in result.blocks]
    assert kinds == ["paragraph", "gate", "paragraph"]
    assert '[contact-form-7 id="5"]' in result.blocks[0]["value"]
    assert "[escaped]" in result.blocks[0]["value"]


def test_a_missing_image_is_listed_and_links_to_the_old_site_become_local() -> None:
    result = body_blocks(
        '<p><img src="https://blog.example.nl/wp-content/uploads/weg.jpg"> Zie '
        '<a href="https://www.blog.example.nl/2019/03/brug/">de brug</a>'
        "<script>alert(1)</script></p>",
        resolve=_resolve,
        site_url="https://blog.example.nl",
    )
    assert result.missing_images == ["https://blog.example.nl/wp-content/uploads/weg.jpg"]
    (paragraph,) = result.blocks
    assert paragraph["value"] == '<p>Zie <a href="/2019/03/brug/">de brug</a></p>'


def test_iframes_become_links_and_scripts_go() -> None:
    blocks = _blocks('<iframe src="https://www.youtube.com/embed/abc"></iframe><script>x</script>')
    assert blocks == [
        (
            "paragraph",
            '<p><a href="https://www.youtube.com/embed/abc">https://www.youtube.com/embed/abc</a></p>',
        )
    ]


def test_comment_html_becomes_plain_text() -> None:
    assert comment_text('Zie <a href="https://x.example">hier</a>.<br />Dag &amp; bedankt') == (
        "Zie hier (https://x.example).\nDag & bedankt"
    )


def test_a_bare_address_and_embed_shortcodes_become_links() -> None:
    blocks = _blocks(
        "Kijk maar:\n\nhttps://www.youtube.com/watch?v=abc\n\n"
        "[youtube https://www.youtube.com/watch?v=def]\n\n[embed]https://vimeo.com/1[/embed]"
    )
    links = [value for kind, value in blocks if kind == "paragraph" and "<a href" in value]
    assert [link.split('"')[1] for link in links] == [
        "https://www.youtube.com/watch?v=abc",
        "https://www.youtube.com/watch?v=def",
        "https://vimeo.com/1",
    ]


def test_a_linked_image_amid_text_stands_as_a_block_without_an_empty_link() -> None:
    blocks = _blocks(
        'Voor <a href="https://blog.example.nl/wp-content/uploads/2019/03/brug.jpg"><img '
        'src="https://blog.example.nl/wp-content/uploads/2019/03/brug-300x200.jpg" /></a> na.'
    )
    assert [kind for kind, _v in blocks] == ["paragraph", "image", "paragraph"]
    assert blocks[0][1] == "<p>Voor</p>" and blocks[2][1] == "<p>na.</p>"
