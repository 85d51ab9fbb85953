"""A site that upgrades finds a duplicate among the comments stored before: the migration that
looks duplicates up by a digest of their text gives every stored comment its digest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import migrate_to
from voorproef.comments.models import Comment
from voorproef.comments.services import CommentRefused, comment_create
from voorproef.essays.models import EssayPage

BEFORE = [("comments", "0008_comment_index_by_name")]


@pytest.fixture
def before() -> Iterator[Any]:
    """The apps as the earlier version had them; the latest schema again afterwards."""
    yield migrate_to(BEFORE)
    migrate_to()


@pytest.mark.django_db(transaction=True)
def test_a_comment_stored_before_the_upgrade_is_found_as_a_duplicate(before: Any) -> None:
    essay = EssayPage.objects.get()
    Old = before.get_model("comments", "Comment")
    Old.objects.bulk_create(
        Old(essay_id=essay.pk, name="Lotte", email="lotte@example.nl", status=status, text=text)
        for status, text in [("approved", "Al eerder gezegd."), ("pending", "Nog te keuren.")]
        + [("approved", f"Reactie {n}.") for n in range(2500)]  # more than one batch
    )
    migrate_to()

    for text in ("Al eerder gezegd.", "Nog te keuren.", "Reactie 2499."):
        with pytest.raises(CommentRefused):
            comment_create(
                essay=essay, parent=None, name="Lotte", email="lotte@example.nl", url="",
                text=text, notify_replies=False, ip="203.0.113.1", ip_network="203.0.113.0",
                user_agent="",
            )  # fmt: skip
    assert Comment.objects.filter(essay=essay).count() == 2502
