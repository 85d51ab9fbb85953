from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.support import export_rows, written
from voorproef.downloads.models import DownloadRequest
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.services import holdings_erase

from .test_gate_form import _post

pytestmark = pytest.mark.django_db


def test_editors_see_requests_per_essay_and_export_them(
    client: Client, editor_client: Client, essay: EssayPage
) -> None:
    _post(client, name="Anna", email="anna@example.nl", newsletter="on")
    _post(client, name="Bert", email="bert@example.nl")

    listing = editor_client.get("/admin/download_requests/").content.decode()
    assert "anna@example.nl" in listing
    assert "bert@example.nl" in listing
    assert (
        editor_client.get(f"/admin/download_requests/?essay={essay.pk}&q=anna")
        .content.decode()
        .count("@example.nl")
        >= 1
    )

    export = editor_client.get("/admin/download_requests/?export=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = export_rows(export)
    emails = {row[3] for row in rows[1:]}
    assert emails == {"anna@example.nl", "bert@example.nl"}
    assert editor_client.get("/admin/download_requests/?export=xlsx").status_code == 200


def _dashboard_counts(editor_client: Client) -> list[str]:
    dashboard = editor_client.get("/admin/").content.decode()
    row = dashboard.split("Nieuw Publiek Werken</a></td>", 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("</td>")]
    return cells[:3]


def test_the_dashboard_counts_requests_and_downloads(client: Client, editor_client: Client) -> None:
    response = _post(client, name="Anna", email="anna@example.nl")
    client.get(response["Location"].split("?")[0] + "pdf/")
    client.get(response["Location"].split("?")[0] + "pdf/")
    # Direct downloads: no address needs confirming, and the dashboard says so.
    assert _dashboard_counts(editor_client) == ["1", "—", "2"]


def test_the_dashboard_keeps_its_history_when_a_reader_is_erased(
    client: Client, editor_client: Client
) -> None:
    response = _post(client, name="Anna", email="anna@example.nl")
    client.get(response["Location"].split("?")[0] + "pdf/")
    _post(client, name="Bert", email="bert@example.nl")
    assert _dashboard_counts(editor_client) == ["2", "—", "1"]
    holdings_erase(email="anna@example.nl", delete_comments=False, channel="editor")
    assert not DownloadRequest.objects.filter(reader__email="anna@example.nl").exists()
    assert _dashboard_counts(editor_client) == ["2", "—", "1"]


def test_the_outbox_is_visible_to_editors(client: Client, editor_client: Client) -> None:
    _post(client, name="Anna", email="anna@example.nl")
    listing = editor_client.get("/admin/outgoing_mail/").content.decode()
    assert "anna@example.nl" in listing
    assert "(wordt geschreven bij verzenden)" in listing  # the worker writes it, any moment
    written(OutgoingMail.objects.get())
    listing = editor_client.get("/admin/outgoing_mail/").content.decode()
    assert "Je exemplaar van" in listing
    assert "(wordt geschreven bij verzenden)" not in listing
    rows = export_rows(editor_client.get("/admin/outgoing_mail/?export=csv"))
    assert rows[1][rows[0].index("Onderwerp")] == "Je exemplaar van „Nieuw Publiek Werken”"


def test_the_outbox_shows_a_mail_as_sent_but_not_the_readers_personal_link(
    client: Client, editor_client: Client
) -> None:
    _post(client, name="Anna", email="anna@example.nl")
    mail = written(OutgoingMail.objects.get())
    key = re.search(r"/download/([\w-]+)/", mail.body_text)
    assert key
    page = editor_client.get(f"/admin/outgoing_mail/inspect/{mail.pk}/").content.decode()
    assert "Anna" in page
    assert "/download/[key]/" in page
    assert key.group(1) not in page  # whoever has it downloads her copy


def test_the_lead_export_opens_in_a_dutch_excel_with_local_times(
    client: Client, editor_client: Client
) -> None:
    _post(client, name="Anna", email="anna@example.nl", newsletter="on")
    _post(client, name="Bert", email="bert@example.nl")
    anna = DownloadRequest.objects.get(reader__email="anna@example.nl")
    local = timezone.localtime(anna.created_at).replace(microsecond=0, tzinfo=None)

    csv_response = editor_client.get("/admin/download_requests/?export=csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = export_rows(csv_response)  # BOM and semicolons checked there
    assert "Nieuwsbrief" in header
    by_name = {row[header.index("Naam")]: row for row in rows}
    assert by_name["Anna"][header.index("Nieuwsbrief")] == "ja, nog niet bevestigd"
    assert by_name["Bert"][header.index("Nieuwsbrief")] == "nee"
    assert by_name["Anna"][header.index("Aangevraagd")] == local.isoformat(sep=" ")

    xlsx = editor_client.get("/admin/download_requests/?export=xlsx")
    data = b"".join(xlsx.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = values[0].index("Aangevraagd")
    assert local in [row[column] for row in values[1:]]
