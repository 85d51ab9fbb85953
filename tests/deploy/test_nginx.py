"""The shipped nginx config (deploy/nginx/), run by Debian's nginx in front of the live server:
pages from its cache, forms and personal pages straight through, a publish shown in seconds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import requests
from django.conf import settings

from tests.stats.helpers import FIREFOX, GOOGLEBOT
from tests.support import form_token, free_port, wait_for
from voorproef.core.middleware import public_policy, public_policy_digest
from voorproef.downloads.models import DownloadRequest
from voorproef.essays.models import EssayPage
from voorproef.stats.models import DailyCount
from voorproef.stats.services import BEACON_FILE_SECONDS, beacon_files_fold, stats_fold

from .keyed_routes import keyed_urls

pytestmark = pytest.mark.django_db(transaction=True)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ESSAY = "/nieuw-publiek-werken/"
ACCESS_LOG = "/var/log/nginx/voorproef.access.log"


def _locations(static: Path, media: Path, log: Path, beacons: Path) -> str:
    text = (DEPLOY / "locations.conf").read_text()
    for shipped, here in [
        ("/srv/voorproef/var/static/", f"{static}/"),
        ("/srv/voorproef/var/media/images/", f"{media}/images/"),
        ("/srv/voorproef/var/stats-beacon", str(beacons)),
        (ACCESS_LOG, str(log)),
    ]:
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    return text


def _site(work: Path, upstream: str, locations: Path) -> str:
    """voorproef.conf as shipped, with this machine's paths, certificate and ports."""
    text = (DEPLOY / "voorproef.conf").read_text()
    for shipped, here in [
        ("/var/cache/nginx/voorproef", str(work / "cache")),
        ("server 127.0.0.1:8000;", f"server {upstream};"),
        ("/etc/nginx/voorproef/locations.conf", str(locations)),
        (ACCESS_LOG, str(work / "access.log")),
        ("/etc/letsencrypt/live/voorproef.example.nl/fullchain.pem", str(work / "cert.pem")),
        ("/etc/letsencrypt/live/voorproef.example.nl/privkey.pem", str(work / "key.pem")),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{free_port()} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
    ]:
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    return text


@pytest.fixture
def nginx(live_server: Any, tmp_path: Path) -> Iterator[str]:
    """nginx with the shipped site (checked whole, TLS included) and, for the requests, a
    plain-HTTP server with the shipped locations; returns its address."""
    work = tmp_path / "nginx"
    static, media = tmp_path / "static", Path(settings.MEDIA_ROOT)
    beacons = tmp_path / "stats-beacon"
    for folder in (work, static, media / "images", media / "original_images", beacons):
        folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=voorproef.example.nl", "-keyout", work / "key.pem", "-out", work / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    locations = work / "locations.conf"
    locations.write_text(_locations(static, media, work / "access.log", beacons))
    upstream = urlsplit(str(live_server)).netloc.replace("localhost", "127.0.0.1")
    port = free_port()
    user = "user root root;" if os.geteuid() == 0 else ""  # workers must read the test's files
    (work / "nginx.conf").write_text(
        f"""
        daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log; {user}
        pcre_jit on;
        events {{ worker_connections 256; }}
        http {{
            include /etc/nginx/mime.types;
            access_log off;
            client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
            fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi;
            scgi_temp_path {work}/scgi;
            {_site(work, upstream, locations)}
            server {{ listen 127.0.0.1:{port}; include {locations}; }}
        }}
        """
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")])
    base = f"http://127.0.0.1:{port}"
    assert wait_for(lambda: _up(base), timeout=10), (work / "error.log").read_text()
    yield base
    process.terminate()
    process.wait(timeout=10)


def _get(url: str, cookies: dict[str, str] | None = None) -> requests.Response:
    return requests.get(url, cookies=cookies, timeout=10)


def _up(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_nginx_serves_the_essay_from_its_cache_whole(nginx: str) -> None:
    first = _get(nginx + ESSAY)
    second = _get(nginx + ESSAY)
    assert first.headers["X-Proxy-Cache"] == "MISS" and second.headers["X-Proxy-Cache"] == "HIT"
    assert second.text == first.text and second.text.rstrip().endswith("</html>")
    assert "Nieuw Publiek Werken" in second.text
    assert "X-Accel-Expires" not in second.headers  # nginx's business, not the browser's
    assert "set-cookie" not in second.headers
    assert second.headers["Content-Security-Policy"]  # the app's headers come along


def test_nginx_adds_the_public_policy_the_app_leaves_to_it(nginx: str, tmp_path: Path) -> None:
    csp, permissions = public_policy()
    answers = {
        "essay, fresh": _get(nginx + ESSAY),
        "essay, from nginx's cache": _get(nginx + ESSAY),
        "not found": _get(nginx + "/pagina-die-niet-bestaat/"),
        "a refused form": requests.post(nginx + ESSAY + "download/", data={}, timeout=10),
    }
    assert answers["essay, from nginx's cache"].headers["X-Proxy-Cache"] == "HIT"
    for name, answer in answers.items():
        assert answer.headers["Content-Security-Policy"] == csp, name
        assert answer.headers["Permissions-Policy"] == permissions, name
        assert "X-Voorproef-Policy" not in answer.headers, name
        assert "," not in answer.headers["Content-Security-Policy"], name  # not added twice
    # What nginx keeps of the page, and reads back on every hit: the digest, not the policy.
    (kept,) = (path for path in (tmp_path / "nginx" / "cache").rglob("*") if path.is_file())
    head = kept.read_bytes().partition(b"\r\n\r\n")[0].decode("latin-1").lower()
    assert f"x-voorproef-policy: {public_policy_digest()}" in head
    assert "permissions-policy" not in head and "content-security-policy" not in head
    # The admin keeps Wagtail's own.
    login = _get(nginx + "/admin/login/")
    assert "Permissions-Policy" not in login.headers
    assert "Content-Security-Policy" not in login.headers


def test_the_shipped_copy_of_the_public_policy_is_the_apps() -> None:
    site = (DEPLOY / "voorproef.conf").read_text()
    digest = public_policy_digest()
    maps = dict(re.findall(r"map \S+ \$(voorproef_\w+) \{\n(.*?)\n\}", site, re.S))
    assert maps["voorproef_policy"].split() == ["default", f"{digest};"]
    names = ("voorproef_csp", "voorproef_permissions")
    for name, value in zip(names, public_policy(), strict=True):
        lines = [line.split(None, 1) for line in maps[name].splitlines()]
        assert lines == [[digest, f'"{value}";'], ["default", '"";']], name


def test_a_publish_shows_through_nginx_within_seconds(
    nginx: str, essay: EssayPage, settings: Any
) -> None:
    settings.PROXY_CACHE_SECONDS = 1
    _get(nginx + ESSAY)
    assert _get(nginx + ESSAY).headers["X-Proxy-Cache"] == "HIT"
    essay.title = "Nieuw Publiek Werken, herzien"
    essay.save_revision().publish()
    started = time.monotonic()
    assert wait_for(lambda: "herzien" in _get(nginx + ESSAY).text, timeout=10)
    assert time.monotonic() - started < 4


def test_forms_and_personal_pages_pass_through(nginx: str) -> None:
    post = requests.post(
        nginx + ESSAY + "download/",
        data={"name": "Anna", "email": "anna@example.nl", "form_token": form_token()},
        headers={"Sec-Fetch-Site": "same-origin"},
        allow_redirects=False,
        timeout=10,
    )
    assert post.status_code == 302 and DownloadRequest.objects.count() == 1
    personal = post.headers["Location"]  # the reader's own page, with "?nieuw=1"
    for _ in range(2):
        response = _get(nginx + personal)
        assert response.status_code == 200 and "Anna" in response.text
        assert response.headers["X-Proxy-Cache"] != "HIT"
        assert response.headers["Cache-Control"] == "private, no-store"
    for _ in range(2):
        held = _get(nginx + ESSAY + "?reactie=1:x")
        assert held.headers["X-Proxy-Cache"] != "HIT"


def test_nginx_answers_the_beacon_itself_and_the_scheduler_counts_it_once(
    nginx: str, essay: EssayPage, settings: Any, tmp_path: Path
) -> None:
    settings.STATS_BEACON_DIR = tmp_path / "stats-beacon"
    fields = {
        "page": str(essay.pk),
        "kind": "view",
        "path": essay.url,
        "query": "utm_source=nieuwsbrief&utm_campaign=lancering",
        "referrer": "https://www.linkedin.com",
    }
    browser = {"User-Agent": FIREFOX, "Sec-Fetch-Site": "same-origin"}
    for headers in [
        browser,
        {**browser, "User-Agent": GOOGLEBOT},  # written down, not counted
        {**browser, "Sec-GPC": "1"},  # neither
        {**browser, "DNT": "1"},
        {**browser, "Sec-Fetch-Site": "cross-site"},
    ]:
        response = requests.post(nginx + "/stats/hit", params=fields, headers=headers, timeout=5)
        assert response.status_code == 204 and "set-cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    assert requests.get(nginx + "/stats/hit", params=fields, timeout=5).status_code == 405
    written = [
        json.loads(line)
        for f in settings.STATS_BEACON_DIR.glob("*.log")
        for line in f.read_text().splitlines()
    ]
    assert [line["ua"] for line in written] == [FIREFOX, GOOGLEBOT]
    assert written[0]["net"] == "127.0.0.0"  # the network, as in the access log
    assert not DailyCount.objects.exists()  # nginx answered; nothing counted yet

    stats_fold()  # the scheduler's round, with the file still being written: it waits
    assert not DailyCount.objects.exists()
    later = time.time() + BEACON_FILE_SECONDS + 6
    assert beacon_files_fold(now=later) == 3  # the site's visitor, the essay's visitor, its view
    assert beacon_files_fold(now=later) == 0
    view = DailyCount.objects.get(step="view")
    assert (view.page_id, view.count, view.referrer, view.utm_source, view.utm_campaign) == (
        essay.pk,
        1,
        "linkedin.com",
        "nieuwsbrief",
        "lancering",
    )
    assert not list(settings.STATS_BEACON_DIR.iterdir())  # no network or browser kept


def test_editors_go_past_the_cache(nginx: str) -> None:
    _get(nginx + ESSAY)
    editor = _get(nginx + ESSAY, cookies={"sessionid": "x"})
    assert editor.headers["X-Proxy-Cache"] == "BYPASS"


def test_static_files_for_a_year_and_no_original_uploads(nginx: str, tmp_path: Path) -> None:
    (tmp_path / "static" / "site.0123abcd.css").write_text("body{}")
    css = _get(nginx + "/static/site.0123abcd.css")
    assert css.status_code == 200 and css.text == "body{}"
    assert css.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    media = Path(settings.MEDIA_ROOT)
    (media / "images" / "omslag.width-800.png").write_bytes(b"\x89PNG")
    (media / "original_images" / "omslag.png").write_bytes(b"\x89PNG")
    image = _get(nginx + "/media/images/omslag.width-800.png")
    assert image.status_code == 200
    assert _get(nginx + "/media/original_images/omslag.png").status_code == 404
    for served in (css, image):  # by nginx itself, with the headers the app would send
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_access_log_keeps_the_network_and_no_key_browser_or_referer(
    nginx: str, tmp_path: Path
) -> None:
    log = tmp_path / "nginx" / "access.log"
    browser, referer = "Kwartelkoning/9.7 (herkenbaar)", "https://elders.example/?via=Verwijzer"
    keyed = keyed_urls()
    for link in keyed:
        requests.get(
            nginx + link.url, headers={"User-Agent": browser, "Referer": referer}, timeout=10
        )
    assert wait_for(lambda: log.read_text().count(" HTTP/1.1") > len(keyed), timeout=5)
    text = log.read_text()
    lines = text.splitlines()
    assert all(line.startswith("127.0.0.0 [") for line in lines), text
    assert '"GET /download/[key]/pdf/ HTTP/1.1" ' in text
    assert f'"GET {ESSAY}reacties/12/bewerken/?[key] HTTP/1.1" 403 ' in text
    for secret in ["127.0.0.1", "Kwartelkoning", "Verwijzer"]:
        assert secret not in text
    for link in keyed:
        for key in link.keys:
            assert key not in unquote(text), (link.route, key)
