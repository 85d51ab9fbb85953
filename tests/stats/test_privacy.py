"""What readers are told: the privacy statement says what is counted and how; their copy of
"Mijn gegevens" says that no statistics are tied to them."""

from __future__ import annotations

import json

import pytest

from voorproef.privacy.services import holdings_find, holdings_json, privacy_statement_text

pytestmark = pytest.mark.django_db


def test_the_privacy_statement_says_what_is_counted_and_what_is_not() -> None:
    text = privacy_statement_text()
    assert "<b>Statistieken:</b>" in text
    assert "zonder cookies" in text
    assert "Global Privacy Control" in text
    assert "niets in de statistieken is naar jou te herleiden" in text
    assert "Telecommunicatiewet, artikel 11.7a, derde lid" in text


def test_a_readers_copy_says_no_statistics_are_tied_to_them() -> None:
    data = json.loads(holdings_json(holdings_find("anna@example.nl")))
    assert "Geen van die getallen hoort bij jou" in data["statistics"]
