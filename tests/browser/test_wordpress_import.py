"""Moving a WordPress site in, as an editor does it in the browser: upload, check, read the
report in Dutch, then import."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Reader
from tests.wordpress.helpers import comment, export, post
from voorproef.essays.models import EssayPage
from voorproef.wordpress.models import ImportRun
from voorproef.wordpress.tasks import wordpress_import_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_checks_an_export_and_reads_the_report(
    editor_reader: Reader, essay: EssayPage, tmp_path: Path
) -> None:
    file = tmp_path / "export.xml"
    file.write_text(
        export(
            post(1, title="Wat de raad leerde", comments=comment(1) + comment(2, parent=1)),
            post(2, title="Tweede stuk"),
        )
    )
    page = editor_reader.page
    page.goto("/admin/wordpress/")
    page.get_by_label("WordPress-export").set_input_files(str(file))
    page.get_by_role("button", name="Controleer de export").click()
    run = ImportRun.objects.get()
    wordpress_import_task.call(run.pk)  # what the worker does with the queued job
    page.goto(f"/admin/wordpress/{run.pk}/")
    report = page.locator("main").inner_text()
    assert "berichten · gepubliceerd\t2 aangemaakt" in report and "Nu importeren" in report
    assert "publish" not in report
    editor_reader.screenshot("wordpress-dry-run")
    assert not EssayPage.objects.filter(title="Tweede stuk").exists()  # a check imports nothing
