from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from voorproef.downloads.models import EssayPdf
from voorproef.downloads.pdf import pdf_personal_copy
from voorproef.downloads.services import essay_pdf_base, essay_pdf_refresh
from voorproef.downloads.tasks import essay_pdfs_missing
from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_pdf_has_a_cover_the_whole_text_and_page_numbers(
    essay: EssayPage, publish: Any
) -> None:
    body = list(essay.body.raw_data)
    body.append({"type": "paragraph", "value": "<p>Voorbij de poort, alleen in de pdf.</p>"})
    essay.body = body
    publish(essay)
    essay_pdf_refresh(essay=essay)
    base = essay_pdf_base(essay)
    assert base is not None

    pages = _text(base)
    assert "NieuwPubliekWerken" in pages[0]
    assert "DoorFrankvanErkelenPieterTops" in pages[0]
    everything = "".join(pages)
    assert "Ervaring1" in everything and "Ervaring3" in everything
    assert "Voorbijdepoort,alleenindepdf." in everything
    assert "Wiljeverderlezen?" not in everything  # the gate is for the page, not the PDF
    assert f"2/{len(pages)}" in pages[1]
    reader = PdfReader(io.BytesIO(base))
    assert reader.metadata is not None and reader.metadata.title == "Nieuw Publiek Werken"
    assert len(reader.pages[1].images) >= 1  # the illustrations are in


def test_a_new_revision_gets_a_new_pdf_once(essay: EssayPage, publish: Any) -> None:
    assert essay_pdfs_missing() == []
    essay.title = "Nieuw Publiek Werken (tweede druk)"
    publish(essay)
    assert essay_pdfs_missing() == [essay.pk]
    essay_pdf_refresh(essay=essay)
    assert essay_pdfs_missing() == []
    assert "tweededruk" in _text(essay_pdf_base(essay) or b"")[0]
    assert EssayPdf.objects.count() == 1


def test_every_page_of_a_copy_names_its_reader(essay: EssayPage) -> None:
    base = essay_pdf_base(essay)
    assert base is not None
    copy = pdf_personal_copy(base=base, reader_name="Jan-Willem Ölçer", title=essay.title)
    for page in _text(copy):
        assert "PersoonlijkexemplaarvoorJan-WillemÖlçer" in page
    assert len(copy) <= 1.1 * len(base)


def test_a_long_name_is_shortened_on_the_page_and_kept_whole_in_the_metadata(
    essay: EssayPage,
) -> None:
    base = essay_pdf_base(essay)
    assert base is not None
    name = "W" * 100
    copy = pdf_personal_copy(base=base, reader_name=name, title=essay.title)
    for page in _text(copy):
        assert f"Persoonlijkexemplaarvoor{'W' * 59}…" in page
        assert "W" * 60 not in page
    reader = PdfReader(io.BytesIO(copy))
    assert reader.metadata is not None and str(reader.metadata.subject).endswith(name)


def test_the_cover_names_the_authors_roles_and_the_image_caption(
    essay: EssayPage, publish: Any
) -> None:
    author = essay.authors.first()
    assert author is not None
    author.description = "Lector Publiek Werken"
    author.save()
    essay.hero_caption = "Het aquaduct na de verbouwing"
    publish(essay)
    essay_pdf_refresh(essay=essay)
    cover = _text(essay_pdf_base(essay) or b"")[0]
    assert "FrankvanErkel·LectorPubliekWerken" in cover
    assert "Hetaquaductnadeverbouwing" in cover
