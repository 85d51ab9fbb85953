"""What the import does with comments, dates, reruns and bad input, on small exports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from wagtail.contrib.redirects.models import Redirect

from voorproef.comments.models import Comment, CommentSettings
from voorproef.comments.moderation import Candidate, comment_verdict
from voorproef.comments.services import CommentRefused, comment_create
from voorproef.essays.models import EssayPage
from voorproef.wordpress import services
from voorproef.wordpress.models import ImportedItem
from voorproef.wordpress.services import ImportFailed, wordpress_import

from .helpers import THEME, comment, export, post, write

pytestmark = pytest.mark.django_db

THREAD = "".join(
    [
        comment(1),
        comment(2, parent=1, author="Bram", email="bram@example.nl"),
        comment(3, parent=99, author="Cor", email="cor@example.nl"),  # parent not exported
        comment(4, approved="0", author="Dirk", email="dirk@example.nl"),
        comment(5, approved="spam", author="Spammer", email="spam@example.com"),
        comment(6, approved="trash", parent=1),
        comment(7, parent=5, author="Eva", email="eva@example.nl"),  # parent is spam
        comment(8, kind="pingback", author="Some blog", email=""),
        comment(9, date_gmt=None, date="2020-01-15 13:00:00", author="Fien", email="bad@"),
    ]
)


def _import(tmp_path: Path, *items: str, **options: Any) -> services.Report:
    return wordpress_import(export=write(tmp_path, export(*items)), **options)


def test_comments_keep_their_thread_status_and_time(tmp_path: Path) -> None:
    report = _import(tmp_path, post(10, comments=THREAD))
    essay = EssayPage.objects.get(slug="essay-10")
    comments = {c.name: c for c in Comment.objects.filter(essay=essay)}
    assert set(comments) == {"Lotte", "Bram", "Cor", "Dirk", "Eva", "Fien"}
    assert comments["Bram"].parent == comments["Lotte"] and comments["Bram"].depth == 2
    assert comments["Lotte"].status == Comment.Status.APPROVED
    assert comments["Dirk"].status == Comment.Status.PENDING
    # Orphans stand on their own, and the report says why.
    assert comments["Cor"].parent is None and comments["Eva"].parent is None
    orphans = [p for p in report.problems if p["kind"] == "orphan"]
    assert len(orphans) == 2
    assert report.comments["spam"] == {"skipped": 1}
    assert report.comments["trash"] == {"skipped": 1}
    assert report.comments["pingback"] == {"skipped": 1}
    # GMT is UTC; a date without its GMT twin is read in the site's zone (Amsterdam, winter).
    assert comments["Lotte"].created_at == datetime(2020, 6, 1, 12, 0, tzinfo=UTC)
    assert comments["Fien"].created_at == datetime(2020, 1, 15, 12, 0, tzinfo=UTC)
    assert comments["Fien"].email == ""  # not an address
    assert comments["Lotte"].email == "lotte@example.nl"
    assert comments["Lotte"].url == "https://lotte.example/"
    assert all(c.ip_network == "" for c in comments.values())


def test_spam_trash_and_pings_come_only_when_asked(tmp_path: Path) -> None:
    _import(tmp_path, post(10, comments=THREAD), include_spam=True, include_pings=True)
    statuses = dict(Comment.objects.filter(essay__slug="essay-10").values_list("name", "status"))
    assert statuses["Spammer"] == Comment.Status.SPAM
    assert statuses["Some blog"] == Comment.Status.APPROVED
    trashed = Comment.objects.get(essay__slug="essay-10", status=Comment.Status.TRASH)
    assert trashed.parent is not None
    eva = Comment.objects.get(name="Eva")
    assert eva.parent is not None and eva.parent.name == "Spammer"


def test_an_approved_commenter_counts_as_known_to_moderation(tmp_path: Path) -> None:
    _import(tmp_path, post(10, comments=THREAD))
    settings = CommentSettings.load()
    known = Candidate("Lotte", "lotte@example.nl", "", "Weer een reactie.", "203.0.113.1", "")
    stranger = Candidate("Nieuw", "nieuw@example.nl", "", "Hallo.", "203.0.113.1", "")
    assert comment_verdict(known, settings).status == Comment.Status.APPROVED
    assert comment_verdict(stranger, settings).status == Comment.Status.PENDING


def test_an_imported_comment_sent_again_is_a_duplicate_also_once_a_rerun_changed_it(
    tmp_path: Path,
) -> None:
    _import(tmp_path, post(10, comments=comment(1, text="Mooi stuk.")))
    essay = EssayPage.objects.get(slug="essay-10")

    def again(text: str) -> None:
        comment_create(
            essay=essay, parent=None, name="Lotte", email="lotte@example.nl", url="", text=text,
            notify_replies=False, ip="203.0.113.1", ip_network="203.0.113.0", user_agent="",
        )  # fmt: skip

    with pytest.raises(CommentRefused):
        again("Mooi stuk.")
    _import(tmp_path, post(10, comments=comment(1, text="Mooi stuk, aangevuld.")))
    with pytest.raises(CommentRefused):
        again("Mooi stuk, aangevuld.")
    again("Mooi stuk.")
    assert Comment.objects.filter(essay=essay).count() == 2


def test_a_dry_run_writes_nothing_and_says_what_would_happen(tmp_path: Path) -> None:
    pages, comments = EssayPage.objects.count(), Comment.objects.count()
    report = _import(tmp_path, post(10, comments=THREAD), post(11), dry_run=True)
    assert (EssayPage.objects.count(), Comment.objects.count()) == (pages, comments)
    assert not ImportedItem.objects.exists() and not Redirect.objects.exists()
    assert report.posts["post"]["publish"] == {"created": 2}
    assert report.comments["approved"]["created"] == 5


def test_a_rerun_updates_what_changed_in_wordpress_and_leaves_editors_changes(
    tmp_path: Path,
) -> None:
    _import(tmp_path, post(10, comments=THREAD), post(11))
    essay = EssayPage.objects.get(slug="essay-11")
    essay.title = "Door de redactie verbeterd"
    essay.save_revision()
    report = _import(
        tmp_path,
        post(10, title="Nieuwe titel", comments=THREAD + comment(20, parent=2)),
        post(11, title="In WordPress ook veranderd"),
    )
    assert report.posts["post"]["publish"] == {"updated": 1, "skipped": 1}
    assert EssayPage.objects.get(slug="essay-10").title == "Nieuwe titel"
    assert EssayPage.objects.get(slug="essay-11").get_latest_revision_as_object().title == (
        "Door de redactie verbeterd"
    )
    assert report.comments["approved"] == {"unchanged": 5, "created": 1}
    assert Comment.objects.get(name="Lotte", depth=3).parent.name == "Bram"  # type: ignore[union-attr]


def test_posts_without_dates_and_of_unknown_types_and_statuses(tmp_path: Path) -> None:
    report = _import(
        tmp_path,
        post(1, status="draft", date="0000-00-00 00:00:00", date_gmt="0000-00-00 00:00:00"),
        post(2, date="2021-07-01 10:00:00", date_gmt=None),
        post(3, post_type="product"),
        post(4, status="trash"),
        post(5, status="private"),
        post(6, post_type="page", title="Over ons", name="over-ons"),
        post(7, content="<!-- wp:paragraph --><p></p><!-- /wp:paragraph -->"),
        post(0, name="zonder-id"),
    )
    assert report.posts["product"]["publish"] == {"skipped": 1}
    assert report.posts["post"]["trash"] == {"skipped": 1}
    assert not EssayPage.objects.get(slug="essay-1").live
    summer = EssayPage.objects.get(slug="essay-2")
    assert summer.first_published_at == datetime(2021, 7, 1, 8, 0, tzinfo=UTC)
    assert not EssayPage.objects.get(slug="essay-5").live
    assert not EssayPage.objects.filter(slug="zonder-id").exists()
    assert [p["kind"] for p in report.problems if p["title"] == "Een essay"].count("no-id") == 1
    empty = EssayPage.objects.get(slug="essay-7")
    assert not empty.live and [p["kind"] for p in report.problems if p["wp_id"] == 7] == ["empty"]
    page = EssayPage.objects.get(slug="over-ons")
    assert page.live and not page.download_enabled


def test_one_failing_post_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_page = services.Importer._page_write

    def flaky(self: Any, page: Any, item: Any, *args: Any) -> Any:
        if item.post_id == 2:
            raise ValueError("disk full")
        return write_page(self, page, item, *args)

    monkeypatch.setattr(services.Importer, "_page_write", flaky)
    report = _import(tmp_path, post(1), post(2, comments=comment(1)), post(3))
    assert report.posts["post"]["publish"] == {"created": 2, "failed": 1}
    assert [p["wp_id"] for p in report.problems if p["kind"] == "failed"] == [2]
    assert not EssayPage.objects.filter(slug="essay-2").exists()
    assert not Comment.objects.filter(name="Lotte").exists()
    assert EssayPage.objects.filter(slug__in=["essay-1", "essay-3"]).count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<html><body>Not an export</body></html>", "geen WordPress-export"),
        (export(post(1))[:-200], "afgebroken"),
    ],
)
def test_bad_input_is_refused_with_nothing_imported(
    tmp_path: Path, content: str, message: str
) -> None:
    pages = EssayPage.objects.count()
    with pytest.raises(ImportFailed, match=message):
        wordpress_import(export=write(tmp_path, content))
    assert EssayPage.objects.count() == pages and not ImportedItem.objects.exists()


def test_an_export_of_another_site_is_not_mixed_into_the_same_tree(tmp_path: Path) -> None:
    _import(tmp_path, post(1))
    other = write(tmp_path, export(post(1), site="https://ander.example"), "other.xml")
    with pytest.raises(ImportFailed, match="andere WordPress-site"):
        wordpress_import(export=other)
    assert EssayPage.objects.filter(slug__startswith="essay-1").count() == 1


def test_the_command_reports_and_refuses_in_words(tmp_path: Path, capsys: Any) -> None:
    call_command("import_wordpress", str(THEME), "--dry-run", "--json")
    assert '"dry_run": true' in capsys.readouterr().out
    with pytest.raises(CommandError, match="niet"):
        call_command("import_wordpress", str(write(tmp_path, "<html></html>")))


def test_an_old_comment_anchor_finds_the_comment_and_nothing_else(
    tmp_path: Path, client: Any
) -> None:
    _import(tmp_path, post(10, comments=THREAD))
    bram = Comment.objects.get(name="Bram")
    response = client.get("/wordpress/reactie/2/?op=/essay-10/")
    assert response.status_code == 302
    assert response["Location"] == f"/essay-10/#reactie-{bram.pk}"
    assert client.get("/wordpress/reactie/4/?op=/essay-10/")["Location"] == "/essay-10/"  # held
    assert client.get("/wordpress/reactie/2/?op=//evil.example/")["Location"] == (
        f"/essay-10/#reactie-{bram.pk}"
    )
    assert client.get("/wordpress/reactie/999/?op=//evil.example/")["Location"] == "/"
    assert not response.cookies


def test_an_export_in_several_files_in_a_zip_imports_as_one(tmp_path: Path) -> None:
    import zipfile

    exported = tmp_path / "export.zip"
    with zipfile.ZipFile(exported, "w") as archive:
        archive.writestr("blog.wordpress.2020-01-01.001.xml", export(post(1)))
        archive.writestr("blog.wordpress.2020-01-01.002.xml", export(post(2, comments=THREAD)))
    report = wordpress_import(export=exported)
    assert report.posts["post"]["publish"] == {"created": 2}
    with zipfile.ZipFile(exported, "a") as archive:
        archive.writestr("other.xml", export(post(3), site="https://ander.example"))
    with pytest.raises(ImportFailed, match=r"ander\.example"):
        wordpress_import(export=exported)
