from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock as WagtailImageBlock

_RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class ImageBlock(WagtailImageBlock):
    """Wagtail's image block, its chooser labelled in the admin's language (Wagtail names it
    after the field: "Image"). It is stored as Wagtail's own, so migrations do not change."""

    def __init__(self, required: bool = True, **kwargs: Any) -> None:
        super().__init__(required=required, **kwargs)
        self.child_blocks["image"].label = _("Image")


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section")), ("h3", _("Subsection"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "essays/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)
    wide = blocks.BooleanBlock(
        label=_("Wide"), required=False, help_text=_("Wider than the text column.")
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "essays/blocks/figure.html"


class ExperienceBlock(blocks.StructBlock):
    """One numbered story, as 'Ervaring 1–3' in the demo essay. The number follows its place."""

    title = blocks.CharBlock(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for “Experience N”, numbered in order."),
    )
    image = ImageBlock(label=_("Image"), required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=_RICH_FEATURES)

    class Meta:
        icon = "user"
        label = _("Experience")
        template = "essays/blocks/experience.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "essays/blocks/quote.html"


class GateBlock(blocks.StructBlock):
    """Marks where the public part ends: readers see what stands above it, the PDF holds all."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=200, default=_("Want to read on?"))
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "lock"
        label = _("Gate: end of the public part")
        template = "essays/blocks/gate.html"


class EssayBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=_RICH_FEATURES, template="essays/blocks/paragraph.html"
    )
    heading = HeadingBlock()
    image = FigureBlock()
    experience = ExperienceBlock()
    quote = QuoteBlock()
    gate = GateBlock()

    class Meta:
        block_counts = {"gate": {"max_num": 1}}
