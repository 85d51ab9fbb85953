"""What editors see: the dashboard per essay and for the site, its CSV, the home panel, and
`manage.py stats` for scripts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.downloads.helpers import requested
from voorproef.essays.models import EssayPage

from .helpers import FIREFOX, SAFARI, beacon

pytestmark = pytest.mark.django_db(transaction=True)

CAMPAIGN = "utm_source=nieuwsbrief&utm_medium=email&utm_campaign=lancering"


@pytest.fixture
def readers(client: Client, essay: EssayPage) -> EssayPage:
    beacon(client, essay, ip="192.0.2.1", query=CAMPAIGN)
    beacon(client, essay, ip="192.0.2.1", kind="form")
    beacon(client, essay, ip="203.0.113.9", user_agent=SAFARI, referrer="https://t.co/x")
    requested(essay, ip_network="192.0.2.0", user_agent=FIREFOX)
    return essay


def test_the_menu_names_the_statistics(editor_client: Client) -> None:
    assert "Statistieken" in editor_client.get("/admin/").content.decode()


def test_the_dashboard_shows_the_funnel_referrers_and_campaigns(
    editor_client: Client, readers: EssayPage
) -> None:
    response = editor_client.get("/admin/statistieken/", {"page": readers.pk, "period": "7"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<tr data-step="visitor"><th scope="row">Bezoekers</th><td>2</td>' in html
    assert 'scope="row">Formulier geopend</th><td>1</td><td>50%</td>' in html
    assert 'scope="row">Aanvragen verstuurd</th><td>1</td><td>0%</td>' in html
    assert '<th scope="row">t.co</th><td>1</td><td>0</td>' in html
    assert '">nieuwsbrief</th><td>email</td><td>lancering</td><td>1</td><td>1</td>' in html
    assert html.count('<svg class="vp-chart"') == 2
    assert "http" not in html.split('class="vp-chart"')[1].split("</svg>")[0]


def test_the_site_counts_a_reader_of_two_pages_once(
    client: Client, editor_client: Client, readers: EssayPage
) -> None:
    home = readers.get_parent()
    beacon(client, home, ip="192.0.2.1")
    html = editor_client.get("/admin/statistieken/", {"period": "30"}).content.decode()
    assert '<tr data-step="visitor"><th scope="row">Bezoekers</th><td>2</td>' in html
    page_html = editor_client.get("/admin/statistieken/", {"page": home.pk}).content.decode()
    assert '<tr data-step="visitor"><th scope="row">Bezoekers</th><td>1</td>' in page_html


def test_unknown_choices_show_the_default_view(editor_client: Client, readers: EssayPage) -> None:
    response = editor_client.get("/admin/statistieken/", {"page": "abc", "period": "forever"})
    assert response.status_code == 200


def test_the_daily_table_exports_as_csv_for_a_dutch_excel(
    editor_client: Client, readers: EssayPage
) -> None:
    response = editor_client.get(
        "/admin/statistieken/", {"page": readers.pk, "period": "7", "format": "csv"}
    )
    text = response.content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Dag", "Bezoekers", "Paginaweergaven"]
    assert len(rows) == 8
    assert rows[-1][1:3] == ["2", "2"]


def test_the_home_panel_shows_the_last_7_days(editor_client: Client, readers: EssayPage) -> None:
    editor_client.get("/admin/statistieken/")  # folds this process's counts
    html = editor_client.get("/admin/").content.decode()
    assert "Lezers in de afgelopen 7 dagen" in html


def test_readers_cannot_see_the_dashboard(client: Client) -> None:
    response = client.get("/admin/statistieken/")
    assert response.status_code == 302


def test_the_command_prints_json_for_scripts(readers: EssayPage) -> None:
    out = io.StringIO()
    call_command("stats", readers.slug, "--days", "3", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["totals"]["visitor"] == 2
    assert data["totals"]["lead"] == 1
    assert len(data["days"]) == 3
    assert data["referrers"] == [{"referrer": "t.co", "visitors": 1, "requests": 0}]
    assert data["campaigns"][0]["campaign"] == "lancering"


def test_the_command_prints_a_table_and_csv(readers: EssayPage) -> None:
    out = io.StringIO()
    call_command("stats", "--days", "2", stdout=out)
    assert "visitor" in out.getvalue() and "lancering" in out.getvalue()
    out = io.StringIO()
    call_command("stats", readers.slug, "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("day,visitor,view,form,lead")


def test_the_command_names_an_unknown_slug() -> None:
    with pytest.raises(CommandError, match="no page with the slug 'nope'"):
        call_command("stats", "nope")
