"""Every export in the suite, the WordPress importer's malformed ones too: imported without a
post failing, or refused in words before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from voorproef.essays.models import EssayPage
from voorproef.wordpress.services import ImportFailed, wordpress_import

from .helpers import DATA, THEME

pytestmark = pytest.mark.django_db

EXPORTS = sorted(p.name for p in DATA.glob("*.xml") if p != THEME)
# Cut off before its end; no <channel> (on purpose, in the WordPress importer's tests).
REFUSED = {"malformed-simple.xml", "malformed.xml"}


@pytest.mark.parametrize("name", EXPORTS)
def test_it_imports_or_refuses_in_words(name: str) -> None:
    pages = EssayPage.objects.count()
    if name in REFUSED:
        with pytest.raises(ImportFailed):
            wordpress_import(export=DATA / name)
        assert EssayPage.objects.count() == pages
        return
    report = wordpress_import(export=DATA / name)
    failed = [p for p in report.problems if p["kind"] == "failed"]
    assert failed == []
    created = sum(c.get("created", 0) for s in report.posts.values() for c in s.values())
    assert EssayPage.objects.count() == pages + created


def test_the_utf8_challenges_keep_their_characters(tmp_path: Path) -> None:
    wordpress_import(export=DATA / "wxr-utf-8-challenges.xml")
    titles = " ".join(EssayPage.objects.values_list("title", flat=True))
    assert "\ufffd" not in titles
