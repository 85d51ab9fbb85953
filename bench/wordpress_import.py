"""Moving a WordPress site in: time and peak memory of `import_wordpress`.

Run with `make bench`. Imports, each into a fresh database with the demo essay: the largest
export in the suite (the theme unit test data, with its uploads), and made-up exports of
`BENCH_WP_POSTS` (1,000) posts with as many comments, and of a quarter and four times that, to
show the memory does not grow with the export (`BENCH_WP_SIZES=0`: that one size only).
Prints a table and writes var/bench/wordpress.json.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
POSTS = int(os.environ.get("BENCH_WP_POSTS", "1000"))
GOAL_SECONDS = 60.0

_PARAGRAPH = (
    "Het kraakt en het piept in het lokaal bestuur; de gemeente zoekt haar rol opnieuw, "
    "met <a href='https://blog.example.nl/2019/01/01/ander-stuk/'>een ander stuk</a> en "
    "<strong>nadruk</strong> waar het moet. "
)


def _post(n: int, comments: int, images: int) -> str:
    body = "\n\n".join(
        [
            _PARAGRAPH * 3,
            "<h2>Een tussenkop</h2>",
            f'[caption id="attachment_{100000 + n % images}" width="300"]<img '
            f'src="https://blog.example.nl/wp-content/uploads/2020/01/beeld-{n % images}'
            f'-300x200.jpg" class="wp-image-{100000 + n % images}" /> Een onderschrift'
            "[/caption]",
            _PARAGRAPH * 2,
            "<!--more-->",
            "<ul><li>een punt</li><li>nog een punt</li></ul>",
            "<blockquote>Een citaat uit het veld.</blockquote>",
            _PARAGRAPH * 4,
        ]
    )
    thread = "".join(
        f"""<wp:comment><wp:comment_id>{n * 10 + c}</wp:comment_id>
<wp:comment_author><![CDATA[Lezer {c}]]></wp:comment_author>
<wp:comment_author_email>lezer{c}@example.nl</wp:comment_author_email>
<wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>203.0.113.{c}</wp:comment_author_IP>
<wp:comment_date>2020-02-01 10:0{c}:00</wp:comment_date>
<wp:comment_date_gmt>2020-02-01 09:0{c}:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Een reactie op stuk {n}, met wat tekst erbij.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>
<wp:comment_parent>{n * 10 + c - 1 if c else 0}</wp:comment_parent></wp:comment>"""
        for c in range(comments)
    )
    return f"""<item><title>Essay {n}</title>
<link>https://blog.example.nl/2020/01/{n % 28 + 1:02d}/essay-{n}/</link>
<dc:creator>anne</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2020-01-{n % 28 + 1:02d} 10:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-{n % 28 + 1:02d} 09:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>essay-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>
{thread}</item>
"""


def _attachment(n: int) -> str:
    return f"""<item><title>beeld {n}</title><wp:post_id>{100000 + n}</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example.nl/wp-content/uploads/2020/01/beeld-{n}.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2020/01/beeld-{n}.jpg</wp:meta_value></wp:postmeta>
</item>
"""


def made_up_export(folder: Path, posts: int, images: int = 50) -> tuple[Path, Path]:
    """An export of `posts` posts with one comment each (every fifth post a thread of five,
    the rest none, so comments = posts), `images` pictures, and their uploads ZIP."""
    from PIL import Image

    export = folder / f"export-{posts}.xml"
    with export.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Bench</title>'
            "<link>https://blog.example.nl</link><wp:wxr_version>1.2</wp:wxr_version>"
            "<wp:base_site_url>https://blog.example.nl</wp:base_site_url>"
            "<wp:base_blog_url>https://blog.example.nl</wp:base_blog_url>"
            "<wp:author><wp:author_login>anne</wp:author_login>"
            "<wp:author_display_name>Anne de Vries</wp:author_display_name></wp:author>\n"
        )
        for n in range(images):
            out.write(_attachment(n))
        for n in range(1, posts + 1):
            out.write(_post(n, 5 if n % 5 == 0 else 0, images))
        out.write("</channel></rss>\n")
    uploads = folder / f"uploads-{images}.zip"
    if not uploads.exists():
        with zipfile.ZipFile(uploads, "w") as archive:
            for n in range(images):
                buffer = io.BytesIO()
                Image.new("RGB", (800, 533), (184, 92, 56)).save(buffer, "JPEG")
                archive.writestr(f"wp-content/uploads/2020/01/beeld-{n}.jpg", buffer.getvalue())
    return export, uploads


def _child(export: str, uploads: str) -> None:
    """One import in this process, on the database of VAR_DIR: prints its figures as JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")
    django.setup()
    from django.core.management import call_command

    from voorproef.wordpress.services import wordpress_import

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    report = wordpress_import(export=Path(export), uploads=Path(uploads) if uploads else None)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    posts = sum(counts.get("created", 0) for s in report.posts.values() for counts in s.values())
    comments = sum(c.get("created", 0) for c in report.comments.values())
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu, 1),
                "posts": posts,
                "comments": comments,
                "images": report.images.get("created", 0),
                "peak_mb": round(peak / 1024),
                "growth_mb": round((peak - before) / 1024),
                "failed": report.problem_count
                and sum(c.get("failed", 0) for s in report.posts.values() for c in s.values()),
            }
        )
    )


def _measure(label: str, export: Path, uploads: Path | None) -> dict[str, object]:
    var = ROOT / "var" / "bench-wp"
    shutil.rmtree(var, ignore_errors=True)
    # As in production: DEBUG=0 (with DEBUG, Django keeps every query's text).
    env = {**os.environ, "VAR_DIR": str(var), "LOG_LEVEL": "WARNING", "DEBUG": "0"}
    subprocess.run(
        [sys.executable, "-m", "voorproef.core.bootstrap"], env=env, cwd=ROOT, check=True
    )
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(export), str(uploads or "")],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"export": label, "mb": round(export.stat().st_size / 1e6, 1), **figures}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    folder = OUT / "wordpress"
    folder.mkdir(parents=True, exist_ok=True)
    theme = ROOT / "tests" / "wordpress" / "data" / "themeunittestdata.wordpress.xml"
    from tests.wordpress.helpers import uploads_zip

    runs = [
        _measure("theme unit test data", theme, uploads_zip(theme, folder / "theme.zip")),
    ]
    sizes = (POSTS // 4, POSTS, POSTS * 4) if os.environ.get("BENCH_WP_SIZES", "1") != "0" else ()
    for posts in sizes or (POSTS,):
        export, uploads = made_up_export(folder, posts)
        runs.append(_measure(f"{posts} posts, {posts} comments", export, uploads))
    print("Importing a WordPress export (one process, SQLite)")
    print(
        f"{'export':<30}{'MB':>6}{'posts':>7}{'comm.':>7}{'s':>7}{'CPU s':>7}"
        f"{'peak MB':>9}{'+MB':>6}"
    )
    for r in runs:
        print(
            f"{r['export']:<30}{r['mb']:>6}{r['posts']:>7}{r['comments']:>7}{r['seconds']:>7}"
            f"{r['cpu_seconds']:>7}{r['peak_mb']:>9}{r['growth_mb']:>6}"
        )
    main_run = next(r for r in runs if str(r["export"]).startswith(f"{POSTS} posts"))
    met = float(main_run["seconds"]) < GOAL_SECONDS  # type: ignore[arg-type]
    print(
        f"goal: {POSTS} posts with {POSTS} comments in < {GOAL_SECONDS:.0f} s: "
        f"{'met' if met else 'missed'}"
    )
    (OUT / "wordpress.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], sys.argv[3])
    else:
        main()
