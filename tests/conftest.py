"""Shared fixtures. Every test database starts with the demo essay, loaded once per session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from wagtail.models import Page

from voorproef.essays.demo.loader import SLUG, demo_load
from voorproef.essays.models import EssayPage


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media):
        yield media


@pytest.fixture(scope="session")
def django_db_setup(_media_root: Path, django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        demo_load()
        # Tests that flush the database (browser tests) get the demo back from this snapshot.
        connection._test_serialized_contents = (  # type: ignore[attr-defined]
            connection.creation.serialize_db_to_string()
        )


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def essay(db: None) -> EssayPage:
    return EssayPage.objects.get(slug=SLUG)


@pytest.fixture
def publish(django_capture_on_commit_callbacks: Any) -> Callable[[Page], None]:
    """Publish a page's current state as an editor does: in a transaction that commits."""

    def _publish(page: Page) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()

    return _publish


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs what a block schedules for after the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editor(db: None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("editor", "editor@example.nl", "pw")


@pytest.fixture
def editor_client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client
