"""An imported post as a reader finds it: through its old address and a comment's anchor."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from voorproef.comments.models import Comment
from voorproef.wordpress.services import wordpress_import

from ..wordpress.helpers import comment, export, post, write
from .conftest import Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "De gemeente zoekt haar rol opnieuw. Wat betekent dat voor wie er woont?\n\n"
    '[caption id="attachment_50" align="aligncenter" width="640"]<img class="size-large '
    'wp-image-50" src="https://blog.example.nl/wp-content/uploads/2020/05/plein-640x400.jpg" '
    'alt="Een plein met bomen" /> Het plein na de verbouwing[/caption]\n\n'
    "<h2>Wie doet mee?</h2>\n"
    'Bewoners, ondernemers en <a href="https://blog.example.nl/2019/01/01/eerder/">eerder '
    "werk</a> van de wijkraad.\n<ul>\n\t<li>de wijkraad</li>\n\t<li>de school</li>\n</ul>\n"
    "<blockquote>We hebben het samen bedacht.<cite>Een bewoner</cite></blockquote>\n"
    "<!--more-->\nWat volgt staat in het hele essay."
)

ATTACHMENT = """<item><title>plein</title><wp:post_id>50</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example.nl/wp-content/uploads/2020/05/plein.jpg
</wp:attachment_url>
</item>"""


def _uploads(target: Path) -> Path:
    image = Image.new("RGB", (1280, 800), (203, 211, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 560, 1280, 800], fill=(137, 158, 128))
    for x in range(80, 1280, 220):
        draw.ellipse([x, 300, x + 160, 520], fill=(74, 98, 122))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("wp-content/uploads/2020/05/plein.jpg", buffer.getvalue())
    return target


def test_a_reader_follows_an_old_comment_link_to_the_imported_essay(
    reader: Reader, tmp_path: Path
) -> None:
    thread = "".join(
        [
            comment(101, text="Herkenbaar, zo ging het bij ons ook."),
            comment(102, parent=101, author="Bram", email="bram@example.nl", text="Bij ons niet."),
            comment(103, author="Cor", email="cor@example.nl", text="Dank voor het stuk."),
        ]
    )
    exported = export(
        ATTACHMENT,
        post(10, title="Het plein van iedereen", name="het-plein", content=BODY, comments=thread),
    )
    wordpress_import(export=write(tmp_path, exported), uploads=_uploads(tmp_path / "u.zip"))
    reply = Comment.objects.get(name="Bram")

    response = reader.page.goto("/2020/05/01/het-plein/#comment-102")
    assert response is not None and response.ok
    reader.page.wait_for_url(f"**/het-plein/#reactie-{reply.pk}")
    assert reader.page.locator(f"#reactie-{reply.pk}").is_visible()
    reader.load_every_image()
    page = reader.page
    assert page.locator("h1").inner_text() == "Het plein van iedereen"
    assert page.get_by_role("heading", name="Wie doet mee?").is_visible()
    assert page.get_by_role("heading", name="Wil je verder lezen?").is_visible()
    assert page.get_by_text("Wat volgt staat in het hele essay.").count() == 0  # behind the gate
    figure = page.locator("figure img").first
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    assert figure.get_attribute("alt") == "Een plein met bomen"
    assert page.get_by_text("Het plein na de verbouwing").is_visible()
    assert reader.context.cookies() == []
    assert reader.off_site_requests() == []
    reader.page.evaluate("window.scrollTo(0, 0)")
    reader.screenshot("wordpress-imported-essay")
