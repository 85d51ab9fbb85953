from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_string_in_the_code_is_translated(tmp_path: Path, language: str) -> None:
    # Gather the strings afresh from a copy of the code, merged into the committed catalogue:
    # a string added without a translation shows up as untranslated.
    package = tmp_path / "voorproef"
    shutil.copytree(ROOT / "voorproef", package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            language,
            "--no-obsolete",
            "--no-location",
        ],
        cwd=package,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    po = package / "locale" / language / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    assert "untranslated" not in stats
    assert "fuzzy" not in stats
    assert "translated message" in stats
