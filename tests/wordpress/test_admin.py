"""The editors' import page: upload, dry run in the background, its report, then the import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from voorproef.comments.models import Comment
from voorproef.essays.models import EssayPage, HomePage
from voorproef.wordpress.models import ImportRun
from voorproef.wordpress.runs import run_folder
from voorproef.wordpress.tasks import wordpress_import_task

from .helpers import comment, export, post, uploads_zip, write

pytestmark = pytest.mark.django_db


def _upload(editor_client: Client, committed: Any, content: bytes, **extra: Any) -> Any:
    with committed():
        return editor_client.post(
            "/admin/wordpress/",
            {
                "export": SimpleUploadedFile("export.xml", content, "text/xml"),
                "parent": HomePage.objects.get().pk,
                **extra,
            },
        )


def test_an_editor_checks_the_export_then_imports_it(
    editor_client: Client, committed: Any, tmp_path: Path
) -> None:
    content = export(post(1, comments=comment(1)), post(2, title="Tweede")).encode()
    zipped = uploads_zip(write(tmp_path, content), tmp_path / "uploads.zip")
    response = _upload(
        editor_client,
        committed,
        content,
        uploads=SimpleUploadedFile("uploads.zip", zipped.read_bytes(), "application/zip"),
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{run.pk}/")
    assert (run_folder(run) / "export.xml").exists()

    page = editor_client.get(f"/admin/wordpress/{run.pk}/")
    assert b"<progress" in page.content and b'http-equiv="refresh"' in page.content
    wordpress_import_task.call(run.pk)  # what the worker does with the queued job
    state = editor_client.get(f"/admin/wordpress/{run.pk}/progress/").json()
    assert state["finished"] and state["status"] == "done" and state["percent"] == 100
    assert not EssayPage.objects.filter(title="Tweede").exists()

    report = editor_client.get(f"/admin/wordpress/{run.pk}/").content.decode()
    assert "berichten · gepubliceerd" in report and "Nu importeren" in report
    assert "post · publish" not in report

    with committed():
        response = editor_client.post(f"/admin/wordpress/{run.pk}/import/")
    real = ImportRun.objects.get(dry_run=False)
    wordpress_import_task.call(real.pk)
    real.refresh_from_db()
    assert real.status == "done" and real.report is not None
    assert real.report["posts"]["post"]["publish"] == {"created": 2}
    assert EssayPage.objects.get(title="Tweede").live
    assert Comment.objects.filter(essay__slug="essay-1").count() == 1
    assert not run_folder(real).exists()  # the files, with commenters' addresses, are gone
    again = editor_client.post(f"/admin/wordpress/{run.pk}/import/")
    assert again["Location"].endswith(f"/{real.pk}/")  # confirming twice imports once


def test_a_file_that_is_not_an_export_fails_in_words(editor_client: Client, committed: Any) -> None:
    _upload(editor_client, committed, b"<html><body>Hallo</body></html>")
    run = ImportRun.objects.get()
    wordpress_import_task.call(run.pk)
    page = editor_client.get(f"/admin/wordpress/{run.pk}/").content.decode()
    assert "geen WordPress-export" in page


def test_the_page_is_for_editors_who_may_import_only(client: Client, db: None) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("schrijver", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/wordpress/").status_code == 404
    assert b"/admin/wordpress/" not in client.get("/admin/").content


def test_uploaded_files_go_two_days_after_their_last_run(
    editor_client: Client, committed: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from voorproef.wordpress.runs import import_files_purge

    _upload(editor_client, committed, export(post(1)).encode())
    run = ImportRun.objects.get()
    assert import_files_purge() == 0 and run_folder(run).exists()
    ImportRun.objects.update(created_at=timezone.now() - timedelta(days=3))
    assert import_files_purge() == 1 and not run_folder(run).exists()
