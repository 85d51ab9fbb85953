"""A reader's message and the editors' reply, through the worker process and an SMTP server."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.support import Inbox, free_port, mail_html, mail_subject, mail_text, wait_for
from voorproef.inbox.models import ReaderMessage

from .test_message_form import _post

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_editors_get_the_message_and_the_reader_gets_the_reply_once(
    client: Client, editor_client: Client, start_worker: Callable[[int], Any], settings: Any
) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"
    port = free_port()
    with Inbox(port) as inbox:
        start_worker(port)
        assert _post(client, publish="on", publish_as="name").status_code == 302
        assert wait_for(lambda: len(inbox.messages) == 1), "the editors' mail arrives"

        (to_editors,) = inbox.messages
        assert to_editors["To"] == "redactie@example.nl"
        assert to_editors["Reply-To"] == "sanne@example.nl"
        assert mail_subject(to_editors) == "Ervaring van Sanne Visser bij „Nieuw Publiek Werken”"
        assert "De raad wilde alles tegelijk." in mail_text(to_editors)
        assert "met mijn naam" in mail_text(to_editors)
        message = ReaderMessage.objects.get()
        assert f"/admin/inbox/inspect/{message.pk}/" in mail_html(to_editors)

        url = f"/admin/inbox/inspect/{message.pk}/"
        for _ in range(2):  # a double click
            editor_client.post(url, {"action": "reply", "text": "Dank voor je verhaal."})
        assert wait_for(lambda: len(inbox.messages) == 2), "the reply arrives"
        time.sleep(2)  # room for a second copy, if one would come
        assert len(inbox.messages) == 2

        reply = inbox.messages[1]
        assert reply["To"] == "sanne@example.nl"
        assert reply["Reply-To"] == "redactie@example.nl"
        text = mail_text(reply)
        assert text.startswith("Dank voor je verhaal.")
        assert "> De raad wilde alles tegelijk." in text
        assert "/ervaring/intrekken/" in text  # she consented, so she can take it back
