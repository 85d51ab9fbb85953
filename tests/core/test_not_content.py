"""A reader's post queues the mail it causes and nothing else: rows readers write are not
content, so Wagtail's reference index neither queues work for them nor lists them as usages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.comments.helpers import post_comment
from tests.support import form_token
from voorproef.essays.models import EssayPage

pytestmark = pytest.mark.django_db

ESSAY = "/nieuw-publiek-werken/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def _download(client: Client) -> Any:
    data = {"name": "Anna", "email": "anna@example.nl", "form_token": form_token(), "homepage": ""}
    return client.post(ESSAY + "download/", data, headers=SAME_ORIGIN)


def _message(client: Client) -> Any:
    data = {"name": "Sanne", "email": "sanne@example.nl", "organisation": "",
            "text": "In onze gemeente zagen we precies dit.", "form_token": form_token(),
            "homepage": ""}  # fmt: skip
    return client.post(ESSAY + "bericht/", data, headers=SAME_ORIGIN)


@pytest.mark.parametrize(
    "post", [_download, _message, post_comment], ids=["download", "message", "comment"]
)
def test_a_readers_post_queues_no_more_than_its_mail(
    client: Client, essay: EssayPage, committed: Any, post: Any
) -> None:
    before = set(DBTaskResult.objects.values_list("id", flat=True))
    with committed():
        response = post(client)
    assert response.status_code == 302
    queued = list(DBTaskResult.objects.exclude(id__in=before).values_list("task_path", flat=True))
    # A download always mails the reader; a comment or message mails the editors when set to.
    assert set(queued) <= {"voorproef.mail.tasks.mail_send_task"}, queued
