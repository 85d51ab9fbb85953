"""Moderators: the mail for each held comment, its one-click links, the admin queue, purging."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from voorproef.comments.models import Comment, CommentSettings
from voorproef.comments.services import comments_purge, moderation_link
from voorproef.essays.models import EssayPage
from voorproef.mail.models import OutgoingMail

from .helpers import ESSAY, approved, post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _editors(settings: Any) -> None:
    settings.EDITORS_EMAIL = "redactie@example.nl"


def _links(body: str) -> dict[str, str]:
    found = re.findall(r"(Goedkeuren|Spam|Prullenbak): http://127\.0\.0\.1:8000(\S+)", body)
    return dict(found)


def test_a_held_comment_mails_the_moderators_with_text_reason_and_links(client: Client) -> None:
    post_comment(client, url="https://lotte.example")
    comment = Comment.objects.get()
    (mail,) = OutgoingMail.objects.all()
    assert mail.to == "redactie@example.nl" and mail.reply_to == "lotte@example.nl"
    assert mail.subject == "Te beoordelen reactie op „Nieuw Publiek Werken”: Lotte de Wit"
    assert "Heel herkenbaar, dank voor dit essay." in mail.body_text
    assert "Vastgehouden omdat: de schrijver heeft nog geen goedgekeurde reactie" in mail.body_text
    assert set(_links(mail.body_text)) == {"Goedkeuren", "Spam", "Prullenbak"}
    assert f"/admin/snippets/comments/comment/edit/{comment.pk}/" in mail.body_text


def test_an_approved_comment_mails_no_one_unless_the_editors_asked(
    client: Client, essay: EssayPage, committed: Any
) -> None:
    approved(essay, name="Lotte de Wit", email="lotte@example.nl")
    with committed():
        post_comment(client, text="Meteen zichtbaar.")
    assert not OutgoingMail.objects.exists()

    site = CommentSettings.load()
    site.notify_on_approved = True
    site.save()
    cache.clear()  # past the 15 seconds between two comments
    with committed():
        post_comment(client, text="Nog een.")
    assert Comment.objects.get(text="Nog een.").status == "approved"
    (mail,) = OutgoingMail.objects.all()
    assert mail.kind == "comment-approved" and "Nog een." in mail.body_text


def test_a_comment_held_again_before_its_approval_commits_mails_no_one(
    essay: EssayPage, committed: Any
) -> None:
    # What follows an approval follows what was committed: here a second copy of the row (as
    # an admin action loads one) holds the comment again within the same transaction.
    site = CommentSettings.load()
    site.notify_on_approved = True
    site.save()
    with committed(), transaction.atomic():
        comment = Comment.objects.create(
            essay=essay, name="Lotte de Wit", email="lotte@example.nl", text="Toch niet.",
            status=Comment.Status.APPROVED,
        )  # fmt: skip
        copy = Comment.objects.get(pk=comment.pk)
        copy.status = Comment.Status.PENDING
        copy.save(update_fields=["status"])
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert not OutgoingMail.objects.exists()


def test_the_mail_link_shows_on_get_acts_on_post_and_twice_is_harmless(
    client: Client, committed: Any
) -> None:
    post_comment(client)
    comment = Comment.objects.get()
    approve = _links(OutgoingMail.objects.get().body_text)["Goedkeuren"]

    shown = client.get(approve)  # what a mail scanner does
    assert shown.status_code == 200
    assert "Heel herkenbaar" in shown.content.decode()
    assert "Markeer als goedgekeurd" in shown.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending"

    for _ in range(2):
        with committed():
            done = client.post(approve, headers={"Sec-Fetch-Site": "same-origin"})
        assert done.status_code == 200
        assert "De reactie is nu: goedgekeurd" in done.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert "Heel herkenbaar" in Client().get(ESSAY).content.decode()


@pytest.mark.parametrize("status", ["spam", "trash"])
def test_spam_and_trash_links_take_a_comment_off_the_page(
    client: Client, essay: EssayPage, status: str, committed: Any
) -> None:
    comment = approved(essay, text="Weg ermee.")
    with committed():
        client.post(moderation_link(comment, status), headers={"Sec-Fetch-Site": "same-origin"})
    comment.refresh_from_db()
    assert comment.status == status
    assert "Weg ermee." not in client.get(ESSAY).content.decode()


def test_a_forged_moderation_link_is_not_found(client: Client, essay: EssayPage) -> None:
    comment = approved(essay, status=Comment.Status.PENDING)
    link = moderation_link(comment, "approved").removeprefix("http://127.0.0.1:8000")
    tampered = link[:-4] + ("AAA/" if not link.endswith("AAA/") else "BBB/")
    assert client.get(tampered).status_code == 404
    assert client.get("/reacties/beoordelen/nonsense/").status_code == 404
    assert client.post(link, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_the_admin_queue_filters_counts_and_acts_in_bulk(
    editor_client: Client, essay: EssayPage, committed: Any
) -> None:
    held = [
        approved(essay, status=Comment.Status.PENDING, text=f"Wacht {n}.", reason="eerste")
        for n in range(3)
    ]
    approved(essay, text="Staat er al.")
    assert "3 reacties wachten op goedkeuring" in editor_client.get("/admin/").content.decode()

    queue = editor_client.get("/admin/snippets/comments/comment/?status=pending")
    html = queue.content.decode()
    assert "Wacht 0." in html and "Staat er al." not in html and "eerste" in html
    assert (
        "Wacht 1."
        in editor_client.get("/admin/snippets/comments/comment/?q=Wacht").content.decode()
    )

    ids = "&".join(f"id={c.pk}" for c in held[:2])
    url = f"/admin/bulk/comments/comment/approve/?{ids}&next=/admin/snippets/comments/comment/"
    assert editor_client.get(url).status_code == 200
    with committed():
        editor_client.post(url)
    statuses = {c.text: c.status for c in Comment.objects.all()}
    assert statuses["Wacht 0."] == statuses["Wacht 1."] == "approved"
    assert statuses["Wacht 2."] == "pending"
    url = f"/admin/bulk/comments/comment/spam/?id={held[2].pk}&next=/admin/"
    editor_client.post(url)
    assert Comment.objects.get(pk=held[2].pk).status == "spam"


def test_an_editor_can_edit_a_comment_in_the_admin(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    comment = approved(essay, text="Met een tikfout.")
    with committed():
        response = editor_client.post(
            f"/admin/snippets/comments/comment/edit/{comment.pk}/",
            {"status": "approved", "name": "Joost Bakker", "url": "", "text": "Zonder tikfout."},
        )
    assert response.status_code == 302
    assert "Zonder tikfout." in client.get(ESSAY).content.decode()


def test_spam_and_trash_older_than_thirty_days_are_purged(essay: EssayPage) -> None:
    old = timezone.now() - timedelta(days=31)
    keep = [
        approved(essay, text="Goedgekeurd en oud.", created_at=old),
        approved(essay, status=Comment.Status.SPAM, text="Verse spam."),
        approved(essay, status=Comment.Status.PENDING, text="Wacht al lang.", created_at=old),
    ]
    gone = [
        approved(essay, status=Comment.Status.SPAM, text="Oude spam."),
        approved(essay, status=Comment.Status.TRASH, text="Oud afval."),
    ]
    Comment.objects.filter(pk__in=[c.pk for c in gone]).update(status_changed_at=old)
    assert comments_purge() == 2
    assert set(Comment.objects.values_list("pk", flat=True)) == {c.pk for c in keep}


def test_editors_cannot_add_a_comment_by_hand(editor_client: Client) -> None:
    listing = editor_client.get("/admin/snippets/comments/comment/").content.decode()
    assert "Reactie toevoegen" not in listing
    assert editor_client.get("/admin/snippets/comments/comment/add/").status_code != 200


def test_a_comment_is_approved_with_one_click_from_the_list(
    editor_client: Client, essay: EssayPage, client: Client, committed: Any
) -> None:
    held = approved(
        essay, status=Comment.Status.PENDING, text="Wacht op mij.", reason="eerste reactie"
    )
    listing = editor_client.get("/admin/snippets/comments/comment/?status=pending")
    html = listing.content.decode()
    assert f'action="/admin/comments/{held.pk}/moderate/"' in html
    assert "Goedkeuren: reactie van Joost Bakker" in html
    back = "/admin/snippets/comments/comment/?status=pending"
    with committed():
        response = editor_client.post(
            f"/admin/comments/{held.pk}/moderate/", {"status": "approved", "next": back}
        )
    assert response.status_code == 302 and response["Location"] == back
    assert Comment.objects.get(pk=held.pk).status == "approved"
    assert "Wacht op mij." in client.get(ESSAY).content.decode()
    after = editor_client.get(back)
    assert "De reactie van Joost Bakker is nu: goedgekeurd." in after.content.decode()
    # Approved, the hold reason is history: the list no longer shows it.
    everything = editor_client.get("/admin/snippets/comments/comment/").content.decode()
    assert "eerste reactie" not in everything


def test_one_click_moderation_goes_back_only_within_the_admin(
    editor_client: Client, essay: EssayPage, client: Client
) -> None:
    held = approved(essay, status=Comment.Status.PENDING, text="Wacht.")
    url = f"/admin/comments/{held.pk}/moderate/"
    response = editor_client.post(url, {"status": "spam", "next": "https://evil.example/"})
    assert response["Location"] == "/admin/snippets/comments/comment/"
    assert Comment.objects.get(pk=held.pk).status == "spam"
    assert editor_client.post(url, {"status": "gone"}).status_code == 400
    assert client.post(url, {"status": "approved"}).status_code == 302  # to the login
    assert Comment.objects.get(pk=held.pk).status == "spam"


def test_bulk_actions_name_the_comments_and_the_edit_screen_shows_the_context(
    editor_client: Client, essay: EssayPage
) -> None:
    parent = approved(essay, text="Het begin van het gesprek.", name="Anna")
    held = approved(
        essay,
        status=Comment.Status.PENDING,
        text="Een antwoord met een link.",
        reason="bevat een link",
        parent=parent,
        email="joost@example.nl",
    )
    url = f"/admin/bulk/comments/comment/approve/?id={held.pk}&next=/admin/"
    confirm = editor_client.get(url).content.decode()
    assert "Joost Bakker" in confirm and "Een antwoord met een link." in confirm
    assert "reactie #" not in confirm
    edit = editor_client.get(f"/admin/snippets/comments/comment/edit/{held.pk}/").content.decode()
    for shown in (
        "Nieuw Publiek Werken",
        "joost@example.nl",
        "bevat een link",
        "Antwoord op Anna",
        "Het begin van het gesprek.",
    ):
        assert shown in edit, shown
