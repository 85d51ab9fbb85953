"""The discussion as readers see it: threads, pages, text, names, the feed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db.models.signals import post_init
from django.test import Client
from django.utils import timezone

from voorproef.comments.models import Comment, CommentSettings
from voorproef.comments.services import comment_pages, thread_page_of
from voorproef.essays.models import EssayPage

from .helpers import ESSAY, approved, post_comment

pytestmark = pytest.mark.django_db


def test_comments_show_oldest_first_with_anchor_date_name_and_local_avatar(
    client: Client, essay: EssayPage
) -> None:
    first = approved(essay, name="Anna Smit", text="Eerste.")
    second = approved(
        essay, name="Bram", email="bram@example.nl", url="https://bram.example", text="Tweede."
    )
    html = client.get(ESSAY).content.decode()
    assert html.index("Eerste.") < html.index("Tweede.")
    assert f'id="reactie-{first.pk}"' in html and f'href="#reactie-{first.pk}"' in html
    assert '<a href="https://bram.example" rel="nofollow ugc noopener">Bram</a>' in html
    assert re.search(r'class="avatar avatar--\d" aria-hidden="true">AS<', html)
    assert re.search(r'class="avatar avatar--\d" aria-hidden="true">B<', html)
    assert "gravatar" not in html.lower()
    assert "2 reacties op „Nieuw Publiek Werken”" in html
    assert second.created_at.strftime("%Y") in html


def test_the_comment_count_shows_at_the_top_of_the_essay(client: Client, essay: EssayPage) -> None:
    approved(essay)
    approved(essay, status=Comment.Status.PENDING, text="Wacht.")
    html = client.get(ESSAY).content.decode()
    header = html[: html.index('class="essay-body"')]
    assert '<a href="#reacties">1 reactie</a>' in header


def test_no_email_address_ever_reaches_the_page_or_the_feed(
    client: Client, essay: EssayPage
) -> None:
    parent = approved(essay, email="geheim@example.nl", notify_replies=True)
    approved(essay, parent=parent, email="ook-geheim@example.nl")
    for url in (ESSAY, ESSAY + "reacties/feed/", ESSAY + f"?antwoord={parent.pk}"):
        body = client.get(url).content.decode()
        assert "geheim@example.nl" not in body, url


def test_plain_text_keeps_paragraphs_and_turns_addresses_into_safe_links(
    client: Client, essay: EssayPage
) -> None:
    approved(
        essay,
        text="Eerste alinea.\nNieuwe regel.\n\nTweede <b>alinea</b> met https://voorbeeld.nl/pad?a=1&b=2.",
    )
    html = client.get(ESSAY).content.decode()
    assert "<p>Eerste alinea.<br>Nieuwe regel.</p>" in html
    assert "Tweede &lt;b&gt;alinea&lt;/b&gt; met" in html
    assert (
        '<a href="https://voorbeeld.nl/pad?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://voorbeeld.nl/pad?a=1&amp;b=2</a>." in html
    )


def test_replies_nest_to_the_set_depth_and_no_deeper(client: Client, essay: EssayPage) -> None:
    site = CommentSettings.load()
    site.thread_depth = 3
    site.save()
    level1 = approved(essay, text="Niveau 1.")
    level2 = approved(essay, parent=level1, text="Niveau 2.")
    level3 = approved(essay, parent=level2, text="Niveau 3.")
    html = client.get(ESSAY).content.decode()
    assert html.count("comment-list--children") == 2
    for comment in (level1, level2):
        assert f"?antwoord={comment.pk}#reageer" in html
    assert f"?antwoord={level3.pk}#reageer" not in html

    refused = post_comment(client, parent=str(level3.pk), text="Niveau 4.")
    assert refused.status_code == 400
    assert "Je kunt niet op deze reactie reageren." in refused.content.decode()
    accepted = post_comment(client, parent=str(level2.pk), text="Ook niveau 3.")
    assert accepted.status_code == 302
    assert Comment.objects.get(text="Ook niveau 3.").depth == 3


def test_a_reply_to_a_held_or_foreign_comment_is_refused(client: Client, essay: EssayPage) -> None:
    held = approved(essay, status=Comment.Status.PENDING)
    for parent in (str(held.pk), "999999"):
        response = post_comment(client, parent=parent)
        assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_without_javascript_the_reply_link_opens_the_form_for_that_comment(
    client: Client, essay: EssayPage
) -> None:
    parent = approved(essay, name="Anna Smit")
    html = client.get(ESSAY + f"?antwoord={parent.pk}").content.decode()
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Reactie op Anna Smit" in html


def test_threads_come_in_pages_of_fifty(client: Client, essay: EssayPage) -> None:
    start = timezone.now() - timedelta(days=2)
    Comment.objects.bulk_create(
        Comment(
            essay=essay,
            name=f"Lezer {n}",
            email=f"lezer{n}@example.nl",
            text=f"Reactie nummer {n}.",
            status=Comment.Status.APPROVED,
            created_at=start + timedelta(minutes=n),
        )
        for n in range(1, 53)
    )
    first = client.get(ESSAY).content.decode()
    assert "Reactie nummer 50." in first and "Reactie nummer 51." not in first
    assert "52 reacties op" in first
    assert f'href="{ESSAY}reacties/2/#reacties"' in first
    second = client.get(ESSAY + "reacties/2/").content.decode()
    assert "Reactie nummer 51." in second and "Reactie nummer 52." in second
    assert "Reactie nummer 50." not in second
    assert client.get(ESSAY + "reacties/3/").status_code == 404
    feed = client.get(ESSAY + "reacties/feed/").content.decode()
    newest = Comment.objects.get(text="Reactie nummer 52.")
    oldest_in_feed = Comment.objects.get(text="Reactie nummer 3.")
    assert f'href="http://127.0.0.1:8000{ESSAY}reacties/2/#reactie-{newest.pk}"' in feed
    assert f'href="http://127.0.0.1:8000{ESSAY}#reactie-{oldest_in_feed.pk}"' in feed
    assert client.get(ESSAY + "reacties/1/")["Location"] == ESSAY + "#reacties"


def test_every_comment_links_to_the_page_its_thread_stands_on(
    client: Client, essay: EssayPage
) -> None:
    """Every link to a comment (thread_page_of: mails, old WordPress addresses) names the page
    the discussion shows it on: replies go with their thread, a reply whose parent was taken
    down stands as a thread of its own, and two threads posted in the same microsecond keep
    their order."""
    site = CommentSettings.load()
    site.per_page = 2
    site.save()
    start = timezone.now() - timedelta(days=1)
    same_moment = start + timedelta(minutes=3)
    first = approved(essay, text="Eén.", created_at=start)
    taken_down = approved(essay, text="Weg.", created_at=start + timedelta(minutes=1))
    approved(essay, text="Antwoord op één.", parent=first, created_at=start + timedelta(hours=2))
    orphan = approved(
        essay, text="Antwoord op weg.", parent=taken_down, created_at=start + timedelta(minutes=2)
    )
    approved(essay, text="Tegelijk A.", created_at=same_moment)
    approved(essay, text="Tegelijk B.", created_at=same_moment)
    approved(essay, status=Comment.Status.PENDING, text="Vastgehouden.")
    approved(essay, text="Laatste.", created_at=start + timedelta(hours=1))
    taken_down.status = Comment.Status.SPAM
    taken_down.save()

    pages = comment_pages(essay, 2)
    assert pages[orphan.pk] == 1 and len(pages) == 6
    for comment in Comment.objects.filter(status=Comment.Status.APPROVED):
        number = thread_page_of(comment, 2)
        assert number == pages[comment.pk], comment.text
        path = ESSAY if number == 1 else f"{ESSAY}reacties/{number}/"
        assert comment.text in client.get(path).content.decode()


def test_after_posting_the_author_sees_the_page_of_the_discussion_that_holds_their_comment(
    client: Client, essay: EssayPage
) -> None:
    """The essay's address with the author's key shows the page of comments with their new
    comment, published or held, a thread of its own or a reply in an older thread; without
    the key, the essay shows the first page."""
    site = CommentSettings.load()
    site.per_page = 2
    site.save()
    start = timezone.now() - timedelta(days=1)
    first = approved(essay, text="Draad één.", created_at=start)
    for n in range(2, 6):
        approved(essay, text=f"Draad {n}.", created_at=start + timedelta(minutes=n))

    def landing(response: Any) -> str:
        assert response.status_code == 302
        assert response["Location"].startswith(ESSAY + "?reactie=")
        return str(client.get(response["Location"]).content.decode())

    own = landing(
        post_comment(client, name="Joost Bakker", email="joost@example.nl", text="Nieuw.")
    )
    assert "Nieuw." in own and "Draad 5." in own and "Draad 4." not in own
    assert "Pagina 3 van 3" in own
    held = landing(post_comment(client, email="nieuw@example.nl", text="Vastgehouden."))
    assert "Vastgehouden." in held and "Je reactie wacht op goedkeuring." in held
    assert "Nieuw." not in held and "Pagina 4 van 4" in held  # a thread of its own, to them
    reply = landing(
        post_comment(client, email="ander@example.nl", text="Antwoord.", parent=first.pk)
    )
    assert "Antwoord." in reply and "Draad één." in reply and "Pagina 1 van 3" in reply
    public = client.get(ESSAY).content.decode()
    assert "Draad één." in public and "Nieuw." not in public and "Pagina 1 van 3" in public


def test_a_page_of_the_discussion_reads_only_the_comments_it_shows(
    client: Client, essay: EssayPage
) -> None:
    # An essay with thousands of comments renders one page's worth, not all of them.
    start = timezone.now() - timedelta(days=2)
    Comment.objects.bulk_create(
        Comment(essay=essay, name=f"Lezer {n}", email=f"lezer{n}@example.nl",
                text=f"Reactie nummer {n}.", status=Comment.Status.APPROVED,
                created_at=start + timedelta(minutes=n))
        for n in range(1, 121)
    )  # fmt: skip
    parent = Comment.objects.get(text="Reactie nummer 101.")
    approved(essay, text="Een antwoord op 101.", parent=parent)
    read: list[int] = []

    def count(sender: Any, instance: Comment, **kwargs: Any) -> None:
        read.append(instance.pk)

    post_init.connect(count, sender=Comment)
    try:
        third = client.get(ESSAY + "reacties/3/").content.decode()
    finally:
        post_init.disconnect(count, sender=Comment)
    assert "Reactie nummer 101." in third and "Een antwoord op 101." in third
    assert "Reactie nummer 100." not in third
    assert "121 reacties op" in third
    assert len(read) == 21  # threads 101 to 120, and the one reply


def test_comments_close_the_set_number_of_days_after_publication(
    client: Client, essay: EssayPage
) -> None:
    site = CommentSettings.load()
    site.close_after_days = 14
    site.save()
    essay.first_published_at = timezone.now() - timedelta(days=15)
    essay.save()
    approved(essay, text="Van voor de sluiting.")
    html = client.get(ESSAY).content.decode()
    assert "Reacties zijn gesloten." in html and "Van voor de sluiting." in html
    assert 'id="comment-form"' not in html
    response = post_comment(client)
    assert response.status_code == 403
    assert "De reacties bij dit essay zijn gesloten." in response.content.decode()


def test_an_editor_who_changes_the_comment_rules_sees_every_page_follow_at_once(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    essay.first_published_at = timezone.now() - timedelta(days=15)
    essay.save()
    for n in range(3):
        approved(essay, text=f"Draad {n}.")
    client.get(ESSAY)
    cached = client.get(ESSAY)
    assert cached["X-Cache"] == "HIT" and 'id="comment-form"' in cached.content.decode()

    site = CommentSettings.load()
    site.close_after_days, site.per_page = 14, 2
    with committed():
        site.save()
    html = client.get(ESSAY).content.decode()
    assert "Reacties zijn gesloten." in html and 'id="comment-form"' not in html
    assert "Draad 1." in html and "Draad 2." not in html  # two threads a page now
    assert post_comment(client).status_code == 403
    assert client.get(ESSAY + "reacties/2/").status_code == 200


def test_an_essay_with_comments_switched_off_takes_none(
    client: Client, essay: EssayPage, publish: Any
) -> None:
    essay.comments_enabled = False
    publish(essay)
    html = client.get(ESSAY).content.decode()
    assert 'id="reacties"' not in html and "reacties/feed/" not in html
    assert post_comment(client).status_code == 403
    assert not Comment.objects.exists()


def test_approving_a_comment_refreshes_the_cached_page(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    comment = approved(essay, status=Comment.Status.PENDING, text="Straks zichtbaar.")
    client.get(ESSAY)
    assert client.get(ESSAY)["X-Cache"] == "HIT"
    from voorproef.comments.services import comment_moderate

    with committed():
        comment_moderate(comment=comment, status=Comment.Status.APPROVED)
    response = client.get(ESSAY)
    assert response["X-Cache"] == "MISS"
    assert "Straks zichtbaar." in response.content.decode()


def test_the_feed_of_approved_comments_is_advertised_and_lists_names_only(
    client: Client, essay: EssayPage
) -> None:
    approved(essay, name="Anna Smit", text="In de feed.")
    approved(essay, status=Comment.Status.PENDING, text="Niet in de feed.")
    html = client.get(ESSAY).content.decode()
    feed_link = "http://127.0.0.1:8000/nieuw-publiek-werken/reacties/feed/"
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed_link}"' in html
    feed = client.get(ESSAY + "reacties/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "<name>Anna Smit</name>" in body and "In de feed." in body
    assert "Niet in de feed." not in body
    assert "Reacties op „Nieuw Publiek Werken”" in body


def test_the_list_of_comments_shows_every_change_at_once(
    client: Client, essay: EssayPage, committed: Any, settings: Any
) -> None:
    """The rendered list is kept between renders; approving, editing and erasing show at once."""
    from voorproef.privacy.services import holdings_erase

    settings.PAGE_CACHE_SECONDS = 0  # the page is rendered each time; the list may be kept
    with committed():
        first = approved(essay, name="Anna Smit", email="anna@example.nl", text="Eerste.")
    assert "Eerste." in client.get(ESSAY).content.decode()
    with committed():
        approved(essay, name="Bram", email="bram@example.nl", text="Tweede.")
    html = client.get(ESSAY).content.decode()
    assert "Eerste." in html and "Tweede." in html
    with committed():
        first.text = "Eerste, aangevuld."
        first.save()
    assert "Eerste, aangevuld." in client.get(ESSAY).content.decode()
    with committed():
        holdings_erase(email="anna@example.nl", delete_comments=False, channel="editor")
    html = client.get(ESSAY).content.decode()
    assert "Anna Smit" not in html and "Eerste, aangevuld." in html


def test_a_reply_link_fills_in_the_form_though_the_empty_form_is_kept(
    client: Client, essay: EssayPage, settings: Any
) -> None:
    """The empty comment form is kept between renders; a reply link still gets its own."""
    settings.PAGE_CACHE_SECONDS = 0  # the page is rendered each time; the form may be kept
    parent = approved(essay, name="Anna Smit", text="Eerste.")
    assert 'name="parent" value=""' in client.get(ESSAY).content.decode()
    html = client.get(ESSAY + f"?antwoord={parent.pk}").content.decode()
    assert f'name="parent" value="{parent.pk}"' in html
    assert "data-reply-label>Reactie op Anna Smit<" in html
    html = client.get(ESSAY).content.decode()
    assert 'name="parent" value=""' in html and "data-reply-label><" in html
