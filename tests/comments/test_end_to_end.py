"""Reply notifications through the worker process and a real SMTP server."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.support import Inbox, free_port, mail_subject, mail_text, wait_for
from voorproef.comments.models import Comment
from voorproef.comments.services import comment_moderate
from voorproef.essays.models import EssayPage

from .helpers import approved, post_comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_commenter_hears_once_of_an_approved_reply_and_unsubscribes_in_one_click(
    client: Client, essay: EssayPage, start_worker: Callable[[int], Any], settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    parent = approved(essay, name="Lotte de Wit", email="lotte@example.nl", notify_replies=True)
    port = free_port()
    with Inbox(port) as inbox:
        start_worker(port)
        post_comment(client, name="Bram", email="bram@example.nl", parent=str(parent.pk))
        assert wait_for(lambda: len(inbox.messages) == 1), "the moderators' mail"
        assert inbox.messages[0]["To"] == "redactie@example.nl"

        reply = Comment.objects.get(name="Bram")
        for _ in range(2):  # approved twice over: one mail
            comment_moderate(comment=reply, status=Comment.Status.APPROVED)
        comment_moderate(comment=reply, status=Comment.Status.PENDING)
        comment_moderate(comment=reply, status=Comment.Status.APPROVED)
        assert wait_for(lambda: len(inbox.messages) == 2), "the reply notification"
        time.sleep(2)  # room for a second copy, if one would come
        assert len(inbox.messages) == 2

        notice = inbox.messages[1]
        assert notice["To"] == "lotte@example.nl"
        assert mail_subject(notice) == "Bram antwoordde op je reactie bij „Nieuw Publiek Werken”"
        assert "Heel herkenbaar, dank voor dit essay." in mail_text(notice)
        assert f"#reactie-{reply.pk}" in mail_text(notice)
        assert "bram@example.nl" not in mail_text(notice)
        assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Django folds a long header onto a continuation line; mail programs unfold it.
        header = notice["List-Unsubscribe"].strip()
        unsubscribe = re.fullmatch(r"<http://127\.0\.0\.1:8000(\S+)>", header)
        assert unsubscribe

    # What a mail program does for one-click unsubscribe (RFC 8058): a bare POST.
    response = Client().post(unsubscribe.group(1), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    parent.refresh_from_db()
    assert not parent.notify_replies


def test_no_mail_to_a_commenter_who_did_not_ask(essay: EssayPage, settings: Any) -> None:
    from voorproef.mail.models import OutgoingMail

    parent = approved(essay, email="lotte@example.nl", notify_replies=False)
    reply = approved(essay, parent=parent, status=Comment.Status.PENDING, email="b@example.nl")
    comment_moderate(comment=reply, status=Comment.Status.APPROVED)
    assert not OutgoingMail.objects.filter(to="lotte@example.nl").exists()
