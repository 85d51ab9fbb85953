"""The load scenarios of `make bench`: each measured against the static-file limit of this
machine (nginx serving a saved copy of the essay page), with the same wrk load (2 threads,
32 connections, a warm-up, then BENCH_SECONDS).

Starts the production setup (`manage.py run --production`: the app server, the task worker, the
scheduler; DEBUG off) on a fresh database with the demo essay and 50 approved comments, a
second app server with the page cache off, nginx with the shipped config (deploy/nginx/) and an
SMTP sink. Prints a table with each scenario's ratio to the static run of its round (the mean
of one right before and one right after the page through nginx) and writes
var/bench/load.json. BENCH_ROUNDS rounds (3); the table holds the medians.

BENCH_DATABASE_URL=postgres://…/voorproef_bench runs it on PostgreSQL, in that database, which
is dropped and created anew (never point it at a database you keep).

WP_BENCH=file adds a column "× WordPress": the file is what the WordPress anchor's bench.sh
printed (its `name_rps=…` lines), run right before on the same machine. A real render is set
beside WordPress's own (no page cache), both POSTs beside its comment POST, the page through
nginx beside WordPress behind its page cache.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
MAILS = int(os.environ.get("BENCH_MAILS", "500"))
# Only these scenarios (comma-separated keys of the table, e.g. "nginx,beacon"); the static
# run, which the others are measured against, always runs. Empty: all of them.
ONLY = {name for name in os.environ.get("BENCH_SCENARIOS", "").split(",") if name}
ESSAY = "/nieuw-publiek-werken/"
AUTHOR = "vaste.lezer@example.nl"
OUT = ROOT / "var" / "bench"
# Which of the WordPress anchor's runs each scenario is set beside (WP_BENCH).
WORDPRESS = {
    "static": "static",
    "nginx": "wp_cached",
    "uncached": "wp_uncached",
    "download POST": "wp_comment",
    "comment POST": "wp_comment",
}


def _wordpress() -> dict[str, float]:
    """WordPress's req/s per run, from the file WP_BENCH names (empty without one)."""
    name = os.environ.get("WP_BENCH")
    if not name:
        return {}
    found = dict(re.findall(r"^(\w+)_rps=([\d.]+)\s*$", Path(name).read_text(), re.M))
    if not found:
        raise SystemExit(f"WP_BENCH: no `name_rps=` lines in {name} (bench.sh's output?)")
    return {run: float(rps) for run, rps in found.items()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Sink:
    """An SMTP server that counts what it is given, per the part of the address before its
    first "-" (the mail batches' `bench-…` and `pdf-…`)."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            self.count[address.partition("-")[0]] += 1
        return "250 OK"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own server)
        return str(response.read().decode())


def _wait_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up")


def _seed() -> None:
    """The 50 approved comments of a known reader that every scenario's page shows."""
    from voorproef.comments.models import Comment
    from voorproef.essays.models import EssayPage

    essay = EssayPage.objects.get()
    Comment.objects.bulk_create(
        Comment(essay=essay, name="Vaste Lezer", email=AUTHOR, status="approved",
                text=f"Reactie nummer {n}: dit herken ik uit mijn eigen gemeente.")
        for n in range(50)
    )  # fmt: skip


def _unseed() -> None:
    """The comments wrk posted (bench/wrk/post.lua: "Reactie <run>-…"), not the seeded ones."""
    from django.db import transaction

    from voorproef.comments.models import Comment

    with transaction.atomic():
        Comment.objects.filter(email=AUTHOR, text__startswith="Reactie r").delete()


def _mails_queue(count: int) -> None:
    from django.db import transaction

    from voorproef.mail.services import mail_queue

    with transaction.atomic():
        for n in range(count):
            mail_queue(kind="privacy-access", to=f"bench-{n}@example.nl",
                       context={"link": "http://127.0.0.1/x/", "hours": 24})  # fmt: skip


def _downloads_queue(count: int) -> None:
    from django.db import transaction

    from voorproef.downloads.services import download_request_create
    from voorproef.essays.models import EssayPage

    essay = EssayPage.objects.get()
    with transaction.atomic():
        for n in range(count):
            download_request_create(essay=essay, name=f"Lezer {n}", email=f"pdf-{n}@example.nl",
                                    newsletter=False, ip_network="", user_agent="")  # fmt: skip


def _postgres_fresh(url: str) -> None:
    """Drop and create the bench's database, so it starts as a new site does."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _postgres_vacuum(url: str) -> None:
    """What PostgreSQL's autovacuum does on a server that has it (the default, and every
    production server): statistics for the planner, dead rows cleared from the indexes. Done
    between scenarios when this server has it off (CI machines may), as it would be done in
    the background within a minute of the last scenario's writes."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def _postgres_autovacuum(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute("SHOW autovacuum").fetchone()
    return row is not None and row[0] == "on"


def _site_maps() -> str:
    """The shipped site's maps and log formats (voorproef.conf, from its first map to the cache
    path): the bench's nginx writes the same log and adds the same policy as a real one."""
    site = (ROOT / "deploy" / "nginx" / "voorproef.conf").read_text()
    return site[site.index("map $remote_addr") : site.index("proxy_cache_path")]


def _nginx_conf(work: Path, static_dir: Path, app_port: int, ports: dict[str, int]) -> Path:
    locations = (ROOT / "deploy" / "nginx" / "locations.conf").read_text()
    locations = locations.replace("/srv/voorproef/var/", f"{work.parent}/var/")
    shipped_log = "/var/log/nginx/voorproef.access.log"
    assert shipped_log in locations, "locations.conf no longer names its access log"
    locations = locations.replace(shipped_log, str(work / "access.log"))
    (work / "locations.conf").write_text(locations)
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    conf.write_text(f"""
daemon off; worker_processes auto; pid {work}/nginx.pid; error_log {work}/error.log; {user}
pcre_jit on;  # as deploy/README.md has it in /etc/nginx/nginx.conf
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    {_site_maps()}
    sendfile on; tcp_nopush on;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=voorproef:20m use_temp_path=off;
    upstream voorproef {{ server 127.0.0.1:{app_port}; keepalive 32; keepalive_timeout 60s; }}
    server {{ listen 127.0.0.1:{ports["static"]}; root {static_dir}; index index.html; }}
    server {{ listen 127.0.0.1:{ports["nginx"]}; include {work}/locations.conf; }}
}}
""")
    return conf


def _wrk(
    url: str,
    *,
    script: str = "report.lua",
    args: tuple[str, ...] = (),
    measured: Any = None,
) -> dict[str, Any]:
    """A warm-up, then the measured run. `args` go to the script (the last one is a run id,
    made distinct per run); `measured()` is called between the two."""
    base = ["wrk", "-t2", "-c32", "--timeout", "10s", "-s", str(ROOT / "bench" / "wrk" / script)]
    warm = ["--", *args[:-1], args[-1] + "w"] if args else []
    warmup = _wrk_result(
        subprocess.run(
            [*base, f"-d{WARMUP}s", url, *warm], check=True, capture_output=True, text=True
        ).stdout
    )
    if measured is not None:
        measured()
    extra = ["--", *args] if args else []
    raw = _wrk_result(
        subprocess.run(
            [*base, f"-d{SECONDS}s", url, *extra], check=True, capture_output=True, text=True
        ).stdout
    )
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"],
        "bytes": raw["bytes"] / max(raw["requests"], 1),
        "requests": raw["requests"],
        "answered": raw["requests"],  # those whose storing is checked: see "stored"
        "warmup_requests": warmup["requests"],
    }


def _wrk_result(out: str) -> dict[str, Any]:
    match = re.search(r"RESULT (\{.*\})", out)
    assert match, out
    return dict(json.loads(match.group(1)))


@contextmanager
def _process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _django(env: dict[str, str]) -> None:
    """Django in this process too, on the bench site's settings and database: the site is set
    up, and every count taken, here rather than by a `manage.py` of its own (3 s each, a
    dozen a round)."""
    import django

    os.environ.update(env)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if name not in env:
            os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")
    sys.path.insert(0, str(ROOT))
    from voorproef.core.bootstrap import var_dir_prepare

    var_dir_prepare()
    django.setup()


def _count(model: str, **where: Any) -> int:
    """Rows of a model ("app_label.Model"), or of those matching `where`."""
    from django.apps import apps

    return int(apps.get_model(model).objects.filter(**where).count())


def _wanted(name: str) -> bool:
    return not ONLY or name == "static" or name in ONLY


def _views_counted() -> int:
    """Page views in the statistics, once nginx's beacon files (10 s each) and the web
    processes' buckets in the cache (20 s each) have ended and are folded, as the scheduler
    folds them. The scheduler may be counting a file right then (it takes one by renaming it
    to .folding): its counts are waited for, not missed."""
    from django.conf import settings

    from voorproef.stats.services import stats_fold

    time.sleep(20 - time.time() % 20 + 6)  # the current bucket ends, and the fold's slack
    stats_fold()
    while any(Path(settings.STATS_BEACON_DIR).glob("*.folding")):
        time.sleep(0.5)
    return _views_folded()


def _views_folded() -> int:
    from django.db.models import Sum

    from voorproef.stats.models import DailyCount

    return int(DailyCount.objects.filter(step="view").aggregate(n=Sum("count"))["n"] or 0)


def _outbox_wait(timeout: float = 900) -> None:
    """Until the worker has sent every queued mail."""
    started = time.monotonic()
    while _count("mail.OutgoingMail", status__in=["queued", "sending"]) > 0:
        if time.monotonic() - started > timeout:
            raise RuntimeError("the outbox did not empty")
        time.sleep(1)


def _drain(sink: _Sink, batch: str, target: int, timeout: float = 600) -> float:
    """Seconds until the sink holds `target` mails of the batch (their addresses' prefix)."""
    started = time.monotonic()
    while sink.count[batch] < target:
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"only {sink.count[batch]} of {target} {batch} mails arrived")
        time.sleep(0.05)
    return time.monotonic() - started


def main() -> None:
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is missing: `make bench` installs it (make wrk nginx)")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="voorproef-bench-"))
    (work / "nginx").mkdir()
    ports = {name: _free_port() for name in ("app", "uncached", "static", "nginx", "smtp")}
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=ports["smtp"])
    controller.start()

    env = {
        **os.environ,
        "VAR_DIR": str(work / "var"),
        "DEBUG": "0",
        "SITE_URL": f"http://127.0.0.1:{ports['app']}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": f"smtp://127.0.0.1:{ports['smtp']}",
        "LOG_LEVEL": "WARNING",
        # One load generator on one address stands in for thousands of readers:
        "FORM_POSTS_PER_IP_PER_HOUR": "1000000000",
        "FORM_POSTS_PER_EMAIL_PER_HOUR": "1000000000",
        "COMMENTS_FLOOD_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    if url := os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = url
        _postgres_fresh(url)
    else:
        env.pop("DATABASE_URL", None)
    _django(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    _seed()
    database = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
    vacuum = "DATABASE_URL" in env and not _postgres_autovacuum(env["DATABASE_URL"])
    if vacuum:
        database += " (its autovacuum off: VACUUM ANALYZE before each round and each POST)"

    uncached_env = {**env, "PAGE_CACHE_SECONDS": "0", "PROXY_CACHE_SECONDS": "0"}
    log = work / "server.log"
    results: dict[str, list[dict[str, Any]]] = {}
    with (
        _process([PYTHON, "manage.py", "run", "--production", f"--port={ports['app']}"], env, log),
        _process(
            [PYTHON, "-m", "voorproef.server", f"--bind=127.0.0.1:{ports['uncached']}"],
            uncached_env,
            log,
        ),
    ):
        app = f"http://127.0.0.1:{ports['app']}"
        _wait_up(app + "/healthz")
        _wait_up(f"http://127.0.0.1:{ports['uncached']}/healthz")
        static_dir = work / "static-copy"
        static_dir.mkdir()
        page = _get(app + ESSAY)
        (static_dir / "index.html").write_text(page)
        conf = _nginx_conf(work / "nginx", static_dir, ports["app"], ports)
        with _process([nginx, "-p", str(work / "nginx"), "-c", str(conf)], env, log):
            _wait_up(f"http://127.0.0.1:{ports['nginx']}{ESSAY}")
            token = re.search(r'name="form_token" value="([^"]+)"', page)
            assert token, "no form token on the essay page"
            page_id = re.search(r'data-page="(\d+)"', page)
            assert page_id, "no statistics beacon on the essay page"
            time.sleep(2.5)  # a form posted sooner than FORM_MIN_SECONDS is refused
            for round_ in range(1, ROUNDS + 1):
                print(f"round {round_} of {ROUNDS}", flush=True)
                # The mail the last round's POSTs queued (a PDF each) goes out first: each
                # scenario is measured alone, not beside the worker working through it.
                _outbox_wait()
                if vacuum:
                    _postgres_vacuum(env["DATABASE_URL"])
                # The static file right before and right after the page through nginx, the
                # round's limit their mean: on a shared machine a second run of the same file
                # differs by several percent from the first, and against a single run that
                # drift counted for or against the page's 95 %.
                static = f"http://127.0.0.1:{ports['static']}/"
                limit = _wrk(static)
                if _wanted("nginx"):
                    results.setdefault("nginx", []).append(
                        _wrk(f"http://127.0.0.1:{ports['nginx']}{ESSAY}")
                    )
                    limit = _bracketed(limit, _wrk(static))
                results.setdefault("static", []).append(limit)
                scenarios = {
                    "app": app + ESSAY,
                    "uncached": f"http://127.0.0.1:{ports['uncached']}{ESSAY}",
                }
                for name, url in scenarios.items():
                    if _wanted(name):
                        results.setdefault(name, []).append(_wrk(url))
                if _wanted("beacon"):
                    # A launch spike's page views, each counted through nginx; then how many
                    # of the answered ones (warm-up and run) the statistics hold, against
                    # what they held before (every earlier round's views folded by then).
                    views = _views_folded()
                    result = _wrk(
                        f"http://127.0.0.1:{ports['nginx']}/stats/hit",
                        script="beacon.lua",
                        args=(page_id.group(1), ESSAY, f"r{round_}"),
                    )
                    result["stored"] = _views_counted() - views
                    result["answered"] += result["warmup_requests"]
                    results.setdefault("beacon", []).append(result)
                for kind, path, model in [
                    ("download", "download/", "downloads.DownloadRequest"),
                    ("comment", "reacties/plaatsen/", "comments.Comment"),
                ]:
                    if not _wanted(f"{kind} POST"):
                        continue
                    # The download POSTs' PDFs are stamped and sent first: the comment POSTs
                    # are measured alone, as WordPress's are, not beside that work.
                    _outbox_wait()
                    if vacuum:
                        _postgres_vacuum(env["DATABASE_URL"])
                    counts: list[int] = []
                    result = _wrk(
                        app + ESSAY + path,
                        script="post.lua",
                        args=(kind, token.group(1), AUTHOR, f"r{round_}"),
                        measured=lambda m=model, c=counts: c.append(_count(m)),
                    )
                    result["stored"] = _count(model) - counts[0]
                    results.setdefault(f"{kind} POST", []).append(result)
                    if kind == "comment":
                        # Back to the 50 comments, as WordPress's bench deletes the comments it
                        # posted: the next round renders the same page.
                        _unseed()

            # Mail: the queue the POSTs left first (the batches are timed from an idle
            # worker), then a batch without and one with the PDF.
            _outbox_wait()
            if _wanted("mail"):
                _mails_queue(MAILS)
                seconds = _drain(sink, "bench", MAILS)
                results["mail"] = [{"per_second": MAILS / seconds, "mails": MAILS}]
                count = max(MAILS // 5, 20)
                _downloads_queue(count)
                seconds = _drain(sink, "pdf", count)
                results["mail with PDF"] = [{"per_second": count / seconds, "mails": count}]

    controller.stop()
    locked = log.read_text(errors="replace").count("database is locked")
    _report(results, database=database, locked=locked)
    if os.environ.get("BENCH_KEEP"):
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def _bracketed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One round's static limit from the run before the page and the run after it: their
    mean, each kept beside it."""
    row = {key: (before[key] + after[key]) / 2 for key in ("rps", "p50_ms", "p99_ms", "bytes")}
    row.update(
        errors=before["errors"] + after["errors"],
        requests=before["requests"] + after["requests"],
        rps_before=before["rps"],
        rps_after=after["rps"],
    )
    return row


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(row[key] for row in rows))


def _report(results: dict[str, list[dict[str, Any]]], *, database: str, locked: int) -> None:
    # Each round's scenario against that round's static limit, the median of those ratios: a
    # slower or faster hour moves both sides of a round alike.
    limits = [row["rps"] for row in results["static"]]
    labels = {
        "static": "1 static file (nginx)",
        "nginx": "2 essay via shipped nginx",
        "app": "3 essay, app alone, cache warm",
        "uncached": "4 essay, page cache off",
        "download POST": "5 download POST",
        "comment POST": "6 comment POST",
        "beacon": "7 statistics beacon, nginx",
    }
    table: dict[str, Any] = {}
    wordpress = _wordpress()
    print(f"\n{database}, {ROUNDS} rounds of {SECONDS} s (medians), wrk -t2 -c32")
    print(f"{'scenario':<34}{'req/s':>10}{'of static':>11}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}{'bytes':>8}" + ("   × WordPress" if wordpress else ""))  # fmt: skip
    for key, label in labels.items():
        if key not in results:
            continue
        rows = results[key]
        row = {
            "rps": _median(rows, "rps"),
            "ratio": statistics.median(
                row["rps"] / limit for row, limit in zip(rows, limits, strict=False)
            ),
            "p50_ms": _median(rows, "p50_ms"),
            "p99_ms": _median(rows, "p99_ms"),
            "errors": int(sum(r["errors"] for r in rows)),
            "bytes": _median(rows, "bytes"),
        }
        if "stored" in rows[0]:
            row["stored"] = int(sum(r["stored"] for r in rows))
            row["answered"] = int(sum(r["answered"] for r in rows))
        beside = ""
        if wordpress.get(WORDPRESS.get(key, "")):
            row["wordpress_rps"] = wordpress[WORDPRESS[key]]
            row["x_wordpress"] = row["rps"] / row["wordpress_rps"]
            beside = f"{row['x_wordpress']:>10.2f}× ({WORDPRESS[key]} {row['wordpress_rps']:.0f})"
        elif wordpress:
            beside = f"{'—':>10}"
        table[key] = row
        print(f"{label:<34}{row['rps']:>10.0f}{row['ratio']:>10.2%}{row['p50_ms']:>9.1f}"
              f"{row['p99_ms']:>9.1f}{row['errors']:>8}{row['bytes']:>8.0f}{beside}")  # fmt: skip
    stamp_file = OUT / "stamp.json"
    if ONLY:
        for key in ("download POST", "comment POST", "beacon"):
            if key in table:
                print(f"{key}: {table[key]['stored']} stored of {table[key]['answered']} answered")
        print(f'"database is locked" in the server log: {locked}')
        (OUT / "load-only.json").write_text(
            json.dumps({"scenarios": table, "raw": results, "database_locked": locked})
        )
        return
    if stamp_file.exists():
        stamp = json.loads(stamp_file.read_text())
        table["stamp"] = stamp
        print(f"8 stamping a 50-page PDF: {json.dumps(stamp)}")
    for key in ("mail", "mail with PDF"):
        table[key] = results[key][0]
        print(f"9 {key}: {results[key][0]['per_second']:.0f} mails/s ({results[key][0]['mails']})")
    for key in ("download POST", "comment POST", "beacon"):
        row = table[key]
        print(f"{key}: {row['stored']} stored of {row['answered']} answered")
    print(f'"database is locked" in the server log: {locked}')
    out = {
        "database": database,
        "rounds": ROUNDS,
        "seconds": SECONDS,
        "scenarios": table,
        "raw": results,
        "database_locked": locked,
    }
    name = "load-postgresql.json" if database.startswith("PostgreSQL") else "load.json"
    (OUT / name).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
