"""The comment form as WordPress readers know it, and what happens to a new comment."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from voorproef.comments.models import Comment, CommentSettings
from voorproef.essays.models import EssayPage

from .helpers import ESSAY, approved, post_comment

pytestmark = pytest.mark.django_db


def _settings(**values: Any) -> None:
    site = CommentSettings.load()
    for name, value in values.items():
        setattr(site, name, value)
    site.save()


def test_the_essay_ends_with_the_wordpress_form_and_nothing_ticked(client: Client) -> None:
    html = client.get(ESSAY).content.decode()
    section = html[html.index('id="reageer"') :]
    assert "Geef een reactie" in section
    assert "Het e-mailadres wordt niet gepubliceerd." in section
    assert "Vereiste velden zijn gemarkeerd met" in section
    for label in ("Reactie", "Naam", "E-mailadres", "Website"):
        assert f">{label}" in section
    assert "Mijn naam en e-mailadres onthouden in deze browser" in section
    assert "Mail mij als iemand op mijn reactie antwoordt" in section
    assert not re.search(r'type="checkbox"[^>]*checked', section)
    assert "Reactie plaatsen" in section
    assert not client.cookies


def test_a_first_comment_is_held_and_shown_only_to_its_author(client: Client) -> None:
    response = post_comment(client)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert comment.reason == "de schrijver heeft nog geen goedgekeurde reactie"
    assert response["Location"].startswith(ESSAY + "?reactie=")
    assert response["Location"].endswith(f"#reactie-{comment.pk}")
    assert not response.cookies

    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "Je reactie wacht op goedkeuring." in html
    assert "Heel herkenbaar, dank voor dit essay." in html
    assert preview["Cache-Control"] == "private, no-store"
    assert preview["Referrer-Policy"] == "no-referrer"

    for stranger in (Client().get(ESSAY), Client().get(ESSAY + "?reactie=1:forged:key")):
        assert "Heel herkenbaar" not in stranger.content.decode()


def test_an_author_with_an_approved_comment_is_published_at_once(
    client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    post_comment(client, text="Nog een gedachte.")
    comment = Comment.objects.get(text="Nog een gedachte.")
    assert comment.status == "approved"
    assert comment.reason == "door alle controles gekomen"
    assert "Nog een gedachte." in Client().get(ESSAY).content.decode()


def test_the_same_name_with_another_address_is_not_an_approved_author(
    client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    post_comment(client, email="imposter@example.nl")
    assert Comment.objects.get(email="imposter@example.nl").status == "pending"


def test_a_comment_with_two_links_is_held(client: Client, essay: EssayPage) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    post_comment(client, text="Zie https://a.example en www.b.example")
    comment = Comment.objects.latest("pk")
    assert comment.status == "pending"
    assert comment.reason == "bevat 2 links"
    cache.clear()  # past the 15 seconds between two comments
    post_comment(client, text="Alleen https://a.example")
    latest = Comment.objects.latest("pk")
    assert latest.status == "approved", latest.reason


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"text": "Koop goedkope CASINO-chips"}, "text"),
        ({"name": "Casino Jan"}, "name"),
        ({"email": "jan@casino.example"}, "email"),
        ({"url": "https://casino.example"}, "website"),
        ({"headers": {"User-Agent": "CasinoBot/1.0"}}, "browser"),
        ({"ip": "203.0.113.77"}, "IP address"),
    ],
)
def test_a_moderation_word_anywhere_holds_the_comment(
    client: Client, essay: EssayPage, fields: dict[str, Any], where: str
) -> None:
    approved(
        essay,
        name=fields.get("name", "Lotte de Wit"),
        email=fields.get("email", "lotte@example.nl"),
    )
    _settings(moderation_words="casino\n203.0.113.77\n")
    post_comment(client, **fields)
    comment = Comment.objects.latest("pk")
    assert comment.status == "pending", where
    assert "moderatiewoord" in comment.reason
    # The reason stays with the comment after its IP address is gone: it never repeats it.
    assert "203.0.113" not in comment.reason


def test_a_word_in_the_text_is_named_even_when_an_earlier_word_matched_the_ip_address(
    client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    _settings(moderation_words="203.0.113.77\ncasino\n")
    post_comment(client, ip="203.0.113.77", text="Koop goedkope casino-chips")
    comment = Comment.objects.latest("pk")
    assert comment.status == "pending"
    assert "„casino”" in comment.reason  # what the editor can check in the text itself
    assert "203.0.113" not in comment.reason


def test_a_blocked_word_sends_the_comment_to_spam(client: Client, essay: EssayPage) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    _settings(blocked_words="viagra", moderation_words="viagra")
    response = post_comment(client, text="Goedkope VIAGRA hier")
    comment = Comment.objects.latest("pk")
    assert comment.status == "spam"
    assert comment.reason == "bevat het geblokkeerde woord „viagra”"
    # The sender is told nothing different: a spammer learns nothing from the answer.
    assert response.status_code == 302


def test_moderating_every_comment_holds_even_known_authors(
    client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    _settings(moderate_all=True)
    post_comment(client)
    assert Comment.objects.latest("pk").reason == "elke reactie wordt vastgehouden voor moderatie"


def test_without_the_prior_approval_rule_a_first_comment_goes_up(client: Client) -> None:
    _settings(require_prior_approval=False)
    post_comment(client)
    assert Comment.objects.get().status == "approved"


def test_a_duplicate_comment_is_refused(client: Client) -> None:
    assert post_comment(client).status_code == 302
    again = post_comment(client, name="Lotte")  # same address, same text
    assert again.status_code == 409
    assert "Deze reactie is al geplaatst." in again.content.decode()
    assert Comment.objects.count() == 1


def test_the_same_text_by_someone_else_or_after_the_trash_is_no_duplicate(
    client: Client,
) -> None:
    assert post_comment(client).status_code == 302
    other = post_comment(client, name="Bram", email="bram@example.nl")  # same text
    assert other.status_code == 302
    Comment.objects.filter(name="Lotte de Wit").update(status=Comment.Status.TRASH)
    cache.clear()  # what 15 seconds do to the flood marks
    assert post_comment(client).status_code == 302  # Lotte's own text, thrown away first
    assert post_comment(client, email="nieuw@example.nl").status_code == 409  # her name again
    assert Comment.objects.filter(status=Comment.Status.TRASH).count() == 1
    assert Comment.objects.count() == 3


def test_a_duplicate_is_the_text_as_it_stands_after_an_edit(client: Client) -> None:
    assert post_comment(client, text="Eerste versie.").status_code == 302
    comment = Comment.objects.get()
    comment.text = "Tweede versie."
    comment.save(update_fields=["text"])
    assert post_comment(client, name="Lotte", text="Tweede versie.").status_code == 409
    cache.clear()  # what 15 seconds do to the flood marks
    assert post_comment(client, name="Lotte", text="Eerste versie.").status_code == 302


def test_a_second_comment_within_15_seconds_is_refused(client: Client) -> None:
    assert post_comment(client, ip="198.51.100.7").status_code == 302
    from_same_ip = post_comment(
        client, ip="198.51.100.7", email="ander@example.nl", text="Iets anders."
    )
    assert from_same_ip.status_code == 429
    assert "Je reageert te snel" in from_same_ip.content.decode()
    assert "Iets anders." in from_same_ip.content.decode()  # the text is kept
    from_same_address = post_comment(client, ip="198.51.100.8", text="Weer iets anders.")
    assert from_same_address.status_code == 429
    assert Comment.objects.count() == 1


def test_after_15_seconds_the_next_comment_is_taken(client: Client) -> None:
    post_comment(client, ip="198.51.100.7")
    cache.clear()  # what 15 seconds do to the flood marks
    assert post_comment(client, ip="198.51.100.7", text="Tweede.").status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "n" * 246, "Je naam mag hoogstens 245 tekens lang zijn."),
        ("email", "e" * 90 + "@example.nl", "Een e-mailadres mag hoogstens 100 tekens lang zijn."),
        (
            "url",
            "https://example.nl/" + "u" * 182,
            "Een websiteadres mag hoogstens 200 tekens lang zijn.",
        ),
        ("text", "t" * 65526, "Een reactie mag hoogstens 65525 tekens lang zijn; deze is 65526."),
        ("text", "", "Schrijf een reactie."),
        ("name", "", "Vul je naam in."),
        ("email", "lotte@", "Dit is geen geldig e-mailadres."),
        ("url", "javascript:alert(1)", "Dit is geen geldig webadres."),
        ("parent", "abc", "Je kunt niet op deze reactie reageren."),
    ],
)
def test_a_bad_or_too_long_field_is_an_error_not_a_crash(
    client: Client, field: str, value: str, error: str
) -> None:
    fields: dict[str, Any] = {field: value}
    response = post_comment(client, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Comment.objects.exists()


def test_the_limits_themselves_are_accepted(client: Client) -> None:
    response = post_comment(
        client,
        name="n" * 245,
        email="e" * 89 + "@example.nl",
        url="https://example.nl/" + "u" * 181,
        text="t" * 65525,
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert len(comment.name) == 245 and len(comment.email) == 100
    assert len(comment.url) == 200 and len(comment.text) == 65525


def test_a_website_without_a_scheme_gets_https(client: Client) -> None:
    post_comment(client, url="www.lotte.example")
    assert Comment.objects.get().url == "https://www.lotte.example"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"age": 0.5}, 400),
        ({"form_token": "tampered"}, 400),
        ({"homepage": "http://spam.example"}, 400),
        ({"headers": {"Sec-Fetch-Site": "cross-site"}}, 403),
    ],
)
def test_a_post_that_fails_a_guard_is_refused_with_the_text_kept(
    client: Client, change: dict[str, Any], status: int
) -> None:
    response = post_comment(client, **change)
    assert response.status_code == status
    assert "Heel herkenbaar, dank voor dit essay." in response.content.decode()
    assert not Comment.objects.exists()


def test_posting_sets_no_cookie_whether_remember_is_ticked_or_not(client: Client) -> None:
    """ "Remember me" is kept by the page's script in the browser's own storage, which is never
    sent to the site: the answer to a post sets no cookie either way."""
    assert not post_comment(client, remember="on", url="https://lotte.example").cookies
    assert not post_comment(client, text="Tweede.", email="twee@example.nl").cookies


def test_the_comment_keeps_the_network_not_the_address(client: Client, essay: EssayPage) -> None:
    post_comment(client, ip="203.0.113.77", text="Vanaf een vast adres.")
    post_comment(client, ip="2001:db8:7:8::1", text="Vanaf IPv6.", email="jan@example.nl")
    assert Comment.objects.get(text="Vanaf een vast adres.").ip_network == "203.0.113.0"
    assert Comment.objects.get(text="Vanaf IPv6.").ip_network == "2001:db8:7::"
