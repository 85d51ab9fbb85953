"""The beacon: a page view or the first focus on the gate's form, counted without a cookie,
per unique visitor and day, with where the reader came from."""

from __future__ import annotations

import pytest
from django.test import Client

from voorproef.essays.models import EssayPage
from voorproef.stats.models import SITE, DailyCount

from .helpers import FIREFOX, GOOGLEBOT, SAFARI, beacon, counted

pytestmark = pytest.mark.django_db


def test_the_essay_page_loads_the_beacon_from_this_site_with_its_page_id(
    client: Client, essay: EssayPage
) -> None:
    html = client.get(essay.url).content.decode()
    assert f'src="/static/stats/js/beacon.js" defer data-page="{essay.pk}"' in html


def test_a_page_view_counts_a_visitor_and_a_view_and_sets_no_cookie(
    client: Client, essay: EssayPage
) -> None:
    response = beacon(client, essay)
    assert response.status_code == 204
    assert not response.cookies
    assert counted("view", page_id=essay.pk) == 1
    assert counted("visitor", page_id=essay.pk) == 1
    assert counted("visitor", page_id=SITE) == 1


def test_the_same_reader_is_one_visitor_a_day_whatever_they_read(
    client: Client, essay: EssayPage
) -> None:
    beacon(client, essay, ip="198.51.100.7")
    beacon(client, essay, ip="198.51.100.99")  # the same /24 network, the same browser
    beacon(client, essay, user_agent=SAFARI)
    assert counted("view", page_id=essay.pk) == 3
    assert counted("visitor", page_id=essay.pk) == 2


def test_the_campaign_and_referrer_host_of_the_first_view_stay_with_the_visit(
    client: Client, essay: EssayPage
) -> None:
    beacon(
        client,
        essay,
        query="utm_source=nieuwsbrief&utm_medium=email&utm_campaign=lancering&x=1",
        referrer="https://www.linkedin.com/feed/some/secret/path?id=99",
    )
    beacon(client, essay, kind="form")
    assert counted("form", page_id=essay.pk, utm_campaign="lancering") == 1
    row = DailyCount.objects.get(step="visitor", page_id=essay.pk)
    assert (row.referrer, row.utm_source, row.utm_medium, row.utm_campaign) == (
        "linkedin.com",
        "nieuwsbrief",
        "email",
        "lancering",
    )
    assert not DailyCount.objects.filter(referrer__contains="secret").exists()


def test_a_referrer_of_this_site_is_no_source(client: Client, essay: EssayPage) -> None:
    beacon(client, essay, referrer="http://testserver/")
    assert counted("visitor", page_id=essay.pk, referrer="") == 1


def test_the_form_is_counted_once_a_visit(client: Client, essay: EssayPage) -> None:
    beacon(client, essay)
    beacon(client, essay, kind="form")
    beacon(client, essay, kind="form")
    assert counted("form", page_id=essay.pk) == 1


@pytest.mark.parametrize(
    "headers", [{"Sec-GPC": "1"}, {"DNT": "1"}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_a_reader_who_asks_not_to_be_tracked_or_another_site_is_not_counted(
    client: Client, essay: EssayPage, headers: dict[str, str]
) -> None:
    assert beacon(client, essay, headers=headers).status_code == 204
    assert counted("view") == 0
    assert counted("visitor") == 0


@pytest.mark.parametrize("user_agent", [GOOGLEBOT, "curl/8.5.0", "python-requests/2.32", ""])
def test_bots_are_not_counted(client: Client, essay: EssayPage, user_agent: str) -> None:
    beacon(client, essay, user_agent=user_agent)
    assert counted("view") == 0


def test_a_view_of_another_address_than_the_pages_own_is_not_counted(
    client: Client, essay: EssayPage
) -> None:
    beacon(client, essay, path="/elders/")
    beacon(client, essay, path=essay.url + "download/")
    assert counted("view") == 0


@pytest.mark.parametrize(
    "data",
    [{}, {"page": "abc", "kind": "view"}, {"page": "1", "kind": "click"}, {"page": "9" * 40}],
)
def test_bad_input_gets_a_clear_400(client: Client, data: dict[str, str]) -> None:
    response = client.post("/stats/hit", data, headers={"User-Agent": FIREFOX})
    assert response.status_code == 400
    assert b"page and kind" in response.content


def test_an_unknown_page_is_not_counted(client: Client) -> None:
    data = {"page": "999999", "kind": "view", "path": "/"}
    response = client.post("/stats/hit", data, headers={"User-Agent": FIREFOX})
    assert response.status_code == 204
    assert counted("view") == 0


def test_a_get_is_refused(client: Client) -> None:
    assert client.get("/stats/hit").status_code == 405


def test_a_page_from_before_the_fields_moved_to_the_address_is_still_counted(
    client: Client, essay: EssayPage
) -> None:
    """A page kept in a cache over a deploy sends the beacon's fields as a form."""
    data = {"page": str(essay.pk), "kind": "view", "path": essay.url}
    response = client.post("/stats/hit", data, headers={"User-Agent": FIREFOX})
    assert response.status_code == 204
    assert counted("view", page_id=essay.pk) == 1
