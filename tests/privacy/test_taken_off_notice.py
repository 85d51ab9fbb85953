"""When a reader's right takes something published off the site, the editors get one mail that
says what left which page, and never who."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.comments.helpers import approved
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import ReaderMessage
from voorproef.inbox.services import message_consent_withdraw
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import PrivacySettings
from voorproef.privacy.services import holdings_erase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _editors(settings: Any) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"


def _published(essay: EssayPage, email: str = "sanne@example.nl") -> ReaderMessage:
    return ReaderMessage.objects.create(
        essay=essay,
        name="Sanne Visser",
        email=email,
        text="Zo ging het bij ons.",
        consent=ReaderMessage.Consent.WITH_NAME,
        published=True,
        published_at=timezone.now(),
        public_title="Wie mag er aan tafel?",
    )


def _notices() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="privacy-taken-off"))


def test_an_erasure_that_takes_content_off_tells_the_editors_what_not_who(
    essay: EssayPage,
) -> None:
    _published(essay)
    settings = PrivacySettings.load()
    settings.comments_deletable = True
    settings.save()
    approved(essay, email="sanne@example.nl", name="Sanne Visser", text="Mooi stuk.")
    holdings_erase(email="sanne@example.nl", delete_comments=True, channel="editor")
    [notice] = _notices()
    assert notice.to == "redactie@example.nl"
    assert notice.subject == "Van de site gehaald: 2 gepubliceerde stukken"
    assert "de ervaring „Wie mag er aan tafel?”, bij „Nieuw Publiek Werken”" in notice.body_text
    assert "een gepubliceerde reactie, bij „Nieuw Publiek Werken”" in notice.body_text
    assert "gegevens laten wissen" in notice.body_text
    for told in ("Sanne", "sanne@example.nl", "Zo ging het", "Mooi stuk"):
        assert told not in notice.body_text + notice.body_html + notice.subject


def test_taking_back_the_consent_to_publish_tells_the_editors(essay: EssayPage) -> None:
    message = _published(essay)
    message_consent_withdraw(message=message)
    [notice] = _notices()
    assert "toestemming om te publiceren ingetrokken" in notice.body_text
    assert "Wie mag er aan tafel?" in notice.body_text
    message_consent_withdraw(message=message)  # twice: nothing more left the site
    assert len(_notices()) == 1


def test_nothing_published_nothing_to_tell(essay: EssayPage) -> None:
    ReaderMessage.objects.create(essay=essay, name="Bert", email="bert@example.nl", text="Hoi.")
    approved(essay, email="bert@example.nl")  # anonymised, it stays on the page
    holdings_erase(email="bert@example.nl", delete_comments=False, channel="editor")
    assert _notices() == []
