"""Golden outputs of "Mijn gegevens": what a reader and an editor get out of the site about one
address, and what is left after it is erased, compared byte for byte with files in golden/.

Why: the privacy code is to be rewritten and the three ways consent is stored (download
consents, a message's consent columns, a comment's reply mail) merged into one. These tests
were written, and their files made, before that, so that afterwards they prove the same data
gives the same copy and the same erasure. A difference fails with a unified diff.

The data goes in as readers and editors put it in: the public forms and links over HTTP where
the other tests use them (comments, confirming, unsubscribing, "Mijn gegevens"), else the
service functions and helpers they use (download requests, messages and replies, moderation).
The copies come out of the HTTP views only: the reader's link (overview, JSON, a CSV per kind,
the buttons) and the editors' answer view (look-up, ZIP, erasure). There is no ZIP for the
reader: the link offers JSON and CSV.

The test sets the site's clock (`timezone.now()` and every field default that is it), and every
table of the site's apps numbers its rows from 1001, so every run writes the same times and ids,
on SQLite and PostgreSQL alike. The JSON, CSV and ZIP members are compared as they come, byte
for byte; pages (HTML) too, but for lines that hold only spaces. Replaced, and only there: the
random key of each "Mijn gegevens" link (made with `secrets`) in the pages and addresses; the
signature of the erased page's `?n=` (signed with the real time); and in the database state
after erasure, the keys in mail links and headers, masked as the copy masks them (random, or
signed with the real time and the SECRET_KEY of VAR_DIR). The admin's look-up page is compared
only in what it says about the address, without Wagtail's frame (CSRF token, static versions,
menus).

To write the files anew, after a change that is meant to change them:

    GOLDEN_UPDATE=1 VAR_DIR=$PWD/var/test .venv/bin/pytest tests/privacy/test_golden_export.py

and read `git diff tests/privacy/golden/` before committing it.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from tests.comments.helpers import approved, post_comment
from tests.downloads.helpers import requested
from tests.support import form_token, written
from voorproef.comments.models import Comment, CommentSettings
from voorproef.comments.services import comment_moderate
from voorproef.downloads.models import DownloadRequest, Reader
from voorproef.essays.models import EssayPage
from voorproef.inbox.models import MessageReply, ReaderMessage
from voorproef.inbox.services import message_create, message_reply
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import AccessLink, DataRequest

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"

ANNA = "anna@example.nl"
BOB = "bob@example.nl"
EDITORS = "redactie@example.nl"
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
ANSWER = "/admin/data_requests/answer/"
FIRST_ID = 1001


# -- comparing with the files ---------------------------------------------------------------------


def _without_blank_lines(page: bytes) -> bytes:
    """A page without its lines of nothing but spaces: each app now writes its own section of
    the overview, which lays the same markup out with other blank lines between the sections.
    A reader sees no difference; every other byte of a page still counts."""
    return b"".join(line for line in page.splitlines(keepends=True) if line.strip())


class Golden:
    """The outputs of one test, each compared with its file in golden/<test>/ (or written
    there, with GOLDEN_UPDATE=1). Every difference is collected, so one run shows them all."""

    def __init__(self, folder: str) -> None:
        self.folder = GOLDEN / folder
        self.differences: list[str] = []
        self.seen: set[str] = set()
        if UPDATE and self.folder.exists():
            shutil.rmtree(self.folder)  # a file no longer written goes too

    def check(self, name: str, content: str | bytes) -> None:
        data = content.encode() if isinstance(content, str) else content
        path = self.folder / name
        self.seen.add(name)
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        expected = path.read_bytes() if path.exists() else b""
        if name.endswith(".html"):
            data, expected = _without_blank_lines(data), _without_blank_lines(expected)
        if data == expected:
            return
        before = expected.decode(errors="replace").splitlines(keepends=True)
        after = data.decode(errors="replace").splitlines(keepends=True)
        diff = "".join(
            difflib.unified_diff(before, after, f"golden/{self.folder.name}/{name}", "now")
        )
        if not path.exists():
            diff = f"golden/{self.folder.name}/{name} is missing\n" + diff
        self.differences.append(diff or f"{name}: same text, other bytes (line ends?)\n")

    def check_json(self, name: str, value: Any) -> None:
        self.check(name, json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n")

    def assert_same(self) -> None:
        if UPDATE:
            return
        stale = {
            str(path.relative_to(self.folder)) for path in self.folder.rglob("*") if path.is_file()
        } - self.seen
        if stale:
            self.differences.append(f"files no test wrote: {sorted(stale)}\n")
        if self.differences:  # raised, not asserted: pytest would print the list twice more
            raise AssertionError("the outputs differ from golden/:\n" + "\n".join(self.differences))


# -- a clock and numbers that are the same on every run ------------------------------------------


class Clock:
    """The site's time, set by the test: what `timezone.now()` returns, and the default of every
    field that takes it (created_at and the like)."""

    def __init__(self) -> None:
        self.moment = self.at("2025-03-01 08:00")

    @staticmethod
    def at(local: str) -> datetime:
        return timezone.make_aware(datetime.fromisoformat(local))

    def __call__(self) -> datetime:
        return self.moment

    def set(self, local: str) -> None:
        self.moment = self.at(local)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", clock)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.default is real_now:
                # Field.get_default() calls a cached `_get_default`, which holds the function.
                monkeypatch.setitem(field.__dict__, "_get_default", clock)
    return clock


def _numbers_from(start: int) -> None:
    """The next row of every table of the site's own apps gets number `start`: ids show in the
    copies (a comment's anchor, a message's number in a form, the admin links in mails), and
    PostgreSQL's sequences do not roll back with a test, so they differ with what ran before."""
    with connection.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            pk = meta.pk
            if (
                not model.__module__.startswith("voorproef.")
                or meta.proxy
                or not meta.managed
                or pk is None
                or pk.get_internal_type() not in {"AutoField", "BigAutoField", "SmallAutoField"}
            ):
                continue
            highest = model._base_manager.aggregate(n=Max("pk"))["n"] or 0
            assert highest < start, (meta.label, highest)
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                    [connection.ops.quote_name(meta.db_table), pk.column, start],
                )
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [meta.db_table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                    [meta.db_table, start - 1],
                )


# -- the data: everything the site can hold about Anna, and Bob beside her ------------------------


@pytest.fixture
def site(settings: Any, clock: Clock, db: None) -> None:
    """What the outputs depend on beyond the data: the settings that show in them (as their
    defaults have them), an editors' address for the mail to them, limits a test passes at
    once, and the editors told of every comment approved (one more kind of mail)."""
    _numbers_from(FIRST_ID)  # first: any row made before it would take a number
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.WAGTAIL_SITE_NAME = "Voorproef"
    settings.EDITORS_EMAIL = EDITORS
    settings.RETENTION_NETWORK_DAYS = 30
    settings.COMMENTS_FLOOD_SECONDS = 0  # the test posts faster than a person
    settings.FORM_POSTS_PER_IP_PER_HOUR = 100
    settings.FORM_POSTS_PER_EMAIL_PER_HOUR = 100
    comments = CommentSettings.load()
    comments.notify_on_approved = True  # so there is a "comment-approved" mail too
    comments.save()


@dataclass
class World:
    """The keys of the links Anna and Bob were mailed to "Mijn gegevens"."""

    anna: str
    bob: str


def _path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def _access_key(email: str) -> str:
    """The key in the last "Mijn gegevens" mail to this address, as the reader clicks it."""
    mail = OutgoingMail.objects.filter(to=email, kind="privacy-access").latest("pk")
    match = re.search(r"/mijn-gegevens/([\w-]+)/", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def _ask(client: Client, email: str) -> None:
    response = client.post(
        "/mijn-gegevens/",
        {"email": email, "form_token": form_token(), "homepage": ""},
        headers=SAME_SITE,
    )
    assert response.status_code == 302, response.content.decode()


def _comment(client: Client, ip: str, browser: str, **fields: Any) -> Comment:
    response = post_comment(client, ip=ip, headers={"User-Agent": browser}, **fields)
    assert response.status_code == 302, response.content.decode()
    return Comment.objects.get(text=fields["text"])


def _world(client: Client, clock: Clock, committed: Any, editor: Any, essay: EssayPage) -> World:
    """Everything the site can hold about Anna, each kind of it, and Bob beside her: his own
    request, consent, comments and message survive her erasure, and two of his texts quote her
    address. Every step at its own time, and what it leaves for after the commit done then."""

    @contextmanager
    def at(local: str) -> Iterator[None]:
        clock.set(local)
        with committed():
            yield

    # Anna asks for the essay, with the newsletter; confirms that, downloads, later unsubscribes.
    with at("2025-03-03 09:00"):
        direct, direct_key = requested(
            essay, name="Anna de Boer", email=ANNA, newsletter=True, user_agent="Firefox/135.0"
        )
    assert direct.mail is not None
    download_mail = written(direct.mail)
    confirm = re.search(r"/nieuwsbrief/bevestigen/[^/\s]+/", download_mail.body_text)
    assert confirm, download_mail.body_text
    with at("2025-03-03 09:05"):
        assert client.post(confirm.group(0), headers=SAME_SITE).status_code == 200
    with at("2025-03-03 09:10"):
        assert client.get(f"/download/{direct_key}/pdf/").status_code == 200

    # Her two messages (through the service the form calls): one to publish with her name,
    # published by an editor, one not (the consent text the form sent is not kept); an editor's
    # reply to the second.
    with at("2025-03-04 14:00"):
        published = message_create(
            essay=essay,
            name="Anna de Boer",
            email=ANNA,
            organisation="Gemeente Utrecht",
            text="Bij ons ging het net zo.\nEerst weerstand, toen trots.",
            consent=ReaderMessage.Consent.WITH_NAME,
            consent_text="Jullie mogen mijn ervaring op deze pagina publiceren: met mijn naam",
            ip_network="192.0.2.0",
            user_agent="Firefox/135.0",
        )
    with at("2025-03-04 14:30"):
        private_message = message_create(
            essay=essay,
            name="Anna de Boer",
            email=ANNA,
            organisation="",
            text="Mag ik jullie iets vragen over de bronnen?",
            consent=ReaderMessage.Consent.NONE,
            consent_text="Jullie mogen mijn ervaring op deze pagina publiceren: met mijn naam",
            ip_network="192.0.2.0",
            user_agent="Firefox/135.0",
        )
    with at("2025-03-05 09:00"):
        published.published = True
        published.public_title = "Eerst weerstand, toen trots"
        published.save()
    with at("2025-03-05 09:30"):
        message_reply(
            message=private_message, author=editor, text="Dank je, Anna. De bronnen staan achterin."
        )

    # Bob asks for the essay too, with the newsletter (not confirmed).
    with at("2025-03-05 12:00"):
        requested(essay, name="Bob Jansen", email=BOB, newsletter=True, ip_network="198.51.100.0")

    # Comments: Anna's first (stored approved, as the helper does; the editors are told), one
    # with reply mail asked for (posted, approved at once, the editors told), one held for its
    # links (the editors asked to moderate).
    with at("2025-03-06 08:00"):
        first = approved(
            essay,
            name="Anna de Boer",
            email=ANNA,
            url="https://anna.example.nl/",
            text="Mooi essay, herkenbaar.",
            ip_network="192.0.2.0",
            user_agent="Firefox/135.0",
        )
    with at("2025-03-06 08:30"):
        notify = _comment(
            client,
            "192.0.2.31",
            "Firefox/135.0",
            name="Anna de Boer",
            email=ANNA,
            text="Mail me maar als iemand hierop antwoordt.",
            notify="on",
        )
    with at("2025-03-06 09:00"):
        held = _comment(
            client,
            "192.0.2.32",
            "Firefox/135.0",
            name="Anna de Boer",
            email=ANNA,
            text="Zie https://example.org/a en https://example.org/b voor meer.",
        )
    assert (first.status, notify.status, held.status) == ("approved", "approved", "pending")

    # Bob replies to her, quoting her address: held (his first), then approved by an editor,
    # which mails Anna about the reply.
    with at("2025-03-07 12:00"):
        bobs_reply = _comment(
            client,
            "198.51.100.7",
            "Edge/133.0",
            name="Bob Jansen",
            email=BOB,
            text=f"Eens! Anna, mail me gerust: ik ken {ANNA} van het congres.",
            parent=str(notify.pk),
        )
    with at("2025-03-07 13:00"):  # what the approve link in the editors' mail does
        comment_moderate(comment=bobs_reply, status=Comment.Status.APPROVED)
    # Bob's own comment with reply mail asked for; Anna answers it, which mails Bob her words.
    with at("2025-03-07 13:30"):
        bobs = _comment(
            client,
            "198.51.100.8",
            "Edge/133.0",
            name="Bob Jansen",
            email=BOB,
            text="Wie heeft dit ook in een kleine gemeente gedaan?",
            notify="on",
        )
    with at("2025-03-08 10:00"):
        _comment(
            client,
            "192.0.2.33",
            "Firefox/136.0",
            name="Anna de Boer",
            email=ANNA,
            text="Wij, Bob: Houten, 2023.",
            parent=str(bobs.pk),
        )
    # Bob's message names Anna's address: the editors' mail about it is his, not hers.
    with at("2025-03-09 16:00"):
        message_create(
            essay=essay,
            name="Bob Jansen",
            email=BOB,
            organisation="Provincie Utrecht",
            text=f"Anna ({ANNA}) wees me op dit essay.",
            consent=ReaderMessage.Consent.WITHOUT_NAME,
            consent_text="Jullie mogen mijn ervaring op deze pagina publiceren: zonder mijn naam",
            ip_network="198.51.100.0",
            user_agent="Edge/133.0",
        )

    # Anna unsubscribes through the one-click link of her download mail (as a mail program).
    unsubscribe = _path(download_mail.headers["List-Unsubscribe"].strip("<>"))
    with at("2025-03-10 20:00"):
        one_click = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
        assert one_click.status_code == 200
    # Two requests for an essay that asks to confirm the address first: one confirmed (and its
    # newsletter consent with it), one never.
    essay.delivery_mode = DownloadRequest.Mode.CONFIRM
    with at("2025-03-11 10:00"):
        _confirmed, confirmed_key = requested(
            essay, name="Anna de Boer", email=ANNA, newsletter=True, user_agent="Firefox/136.0"
        )
    with at("2025-03-11 10:20"):
        assert client.post(f"/download/{confirmed_key}/", headers=SAME_SITE).status_code == 302
    with at("2025-03-12 11:00"):
        waiting, _key = requested(
            essay,
            name="A. de Boer",
            email=ANNA,
            newsletter=False,
            ip_network="203.0.113.0",
            user_agent="Safari/18.3",
        )
    essay.delivery_mode = DownloadRequest.Mode.DIRECT

    # The outbox sent what was queued, a minute after it was made (set here: the worker writes
    # and sends after the commit, which a test does not reach); the last confirm mail is still
    # waiting, not yet written.
    assert waiting.mail_id is not None
    for mail in OutgoingMail.objects.exclude(pk=waiting.mail_id):
        written(mail)
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=OutgoingMail.Status.SENT, sent_at=mail.created_at + timedelta(minutes=1)
        )

    # Both ask for their data; the links come by mail.
    with at("2025-03-14 09:00"):
        _ask(client, ANNA)
    with at("2025-03-14 09:05"):
        _ask(client, BOB)
    OutgoingMail.objects.filter(kind="privacy-access").update(
        status=OutgoingMail.Status.SENT, sent_at=clock.at("2025-03-14 09:06")
    )
    clock.set("2025-03-14 10:00")
    return World(anna=_access_key(ANNA), bob=_access_key(BOB))


# -- reading outputs ------------------------------------------------------------------------------

_SIGNED = re.compile(r"([?&]n=)[^&#\s\"']+")


def _unkeyed(text: str, world: World) -> str:
    """The output with the random keys of the two "Mijn gegevens" links replaced by names:
    they are made with `secrets` on each run. Nothing else is replaced."""
    return text.replace(world.anna, "[anna's key]").replace(world.bob, "[bob's key]")


def _response(response: Any, world: World) -> dict[str, Any]:
    """What a browser sees of a response besides its body. The erased page's address carries
    the erasure's numbers signed with the moment of signing (`?n=…`): its signature is masked,
    the numbers are compared on the page itself."""
    shown: dict[str, Any] = {"status": response.status_code}
    for header in ("Content-Type", "Content-Disposition", "Cache-Control", "Location"):
        if header in response:
            shown[header] = _SIGNED.sub(r"\1[signed]", _unkeyed(response[header], world))
    return shown


def _export(client: Client, key: str) -> dict[str, Any]:
    response = client.get(f"/mijn-gegevens/{key}/gegevens.json")
    assert response.status_code == 200
    return dict(json.loads(response.content))


# The personal links in mails, whose last part is a key: random, or signed with the real time
# and the SECRET_KEY of VAR_DIR. Masked as the copy masks them (written out here, not taken
# from the site's code, so that a change there shows as a difference).
_KEYED = re.compile(
    r"(/(?:download|nieuwsbrief/(?:bevestigen|afmelden)|reacties/(?:beoordelen|afmelden)"
    r"|ervaring/intrekken|mijn-gegevens)/)(?!(?:verstuurd|gewist)/)[^/\s\"'<>]+"
)


def _keys_masked(text: str) -> str:
    return _KEYED.sub(r"\1[key]", text)


def _state() -> dict[str, Any]:
    """What is left in the database that a reader or an editor would notice. Ids where rows
    link to each other (a reply to its comment, a comment to the mail about it); timestamps
    where they are the point. Consents not from their tables: they are to move, so they are
    compared through the copies of the readers instead."""
    return {
        "comments": [
            {
                "id": c.pk,
                "parent": c.parent_id,
                "name": c.name,
                "email": c.email,
                "url": c.url,
                "text": c.text,
                "status": c.status,
                "reason": c.reason,
                "network": c.ip_network,
                "browser": c.user_agent,
                "edited_at": timezone.localtime(c.edited_at).isoformat() if c.edited_at else None,
                "reply_mail": c.reply_mail_id,
            }
            for c in Comment.objects.order_by("pk")
        ],
        "mails": [
            {
                "id": m.pk,
                "kind": m.kind,
                "to": m.to,
                "reply_to": m.reply_to,
                "subject": m.subject,
                "body_text": _keys_masked(m.body_text),
                "body_html": _keys_masked(m.body_html),
                "headers": {k: _keys_masked(v) for k, v in sorted(m.headers.items())},
                "attachments": m.attachments,
                "status": m.status,
            }
            for m in OutgoingMail.objects.order_by("pk")
        ],
        "messages": [
            {
                "id": m.pk,
                "name": m.name,
                "email": m.email,
                "organisation": m.organisation,
                "text": m.text,
                "status": m.status,
                "published": m.published,
                "mail": m.mail_id,
            }
            for m in ReaderMessage.objects.order_by("pk")
        ],
        "message_replies": [
            {"message": r.message_id, "text": r.text, "mail": r.mail_id}
            for r in MessageReply.objects.order_by("pk")
        ],
        "readers": sorted(Reader.objects.values_list("email", flat=True)),
        "download_requests": [
            {
                "reader": r.reader.email,
                "name": r.name,
                "delivery": r.mode,
                "confirmed": r.confirmed_at is not None,
                "downloads": r.download_count,
                "mail": r.mail_id,
            }
            for r in DownloadRequest.objects.select_related("reader").order_by("pk")
        ],
        "data_requests": [
            {
                "kind": d.kind,
                "channel": d.channel,
                "summary": d.summary,
                "note": d.note,
                "handled_by": d.handled_by.get_username() if d.handled_by else None,
                "in_time": d.in_time,
            }
            for d in DataRequest.objects.select_related("handled_by").order_by("pk")
        ],
        "access_links": sorted(AccessLink.objects.values_list("email", flat=True)),
    }


# -- the tests ------------------------------------------------------------------------------------

KINDS = ["download_requests", "consents", "comments", "messages", "mails"]  # the CSV addresses


def test_it_shows_exports_and_erases_for_the_reader_as_before(
    client: Client, site: None, clock: Clock, committed: Any, editor: Any, essay: EssayPage
) -> None:
    """Anna's own way: the overview behind her link, the JSON and each spreadsheet, then the
    erase button (her comments kept, anonymised); after it, what is left, Bob's copy (his data
    whole, her address gone from his mail) and what a fresh link shows her."""
    world = _world(client, clock, committed, editor, essay)
    golden = Golden("reader")
    responses: dict[str, Any] = {}
    anna = f"/mijn-gegevens/{world.anna}/"

    overview = client.get(anna)
    responses["overview"] = _response(overview, world)
    golden.check("overview.html", _unkeyed(overview.content.decode(), world))
    clock.set("2025-03-14 10:01")
    copy = client.get(anna + "gegevens.json")
    responses["json"] = _response(copy, world)
    golden.check("gegevens.json", copy.content)
    for kind in KINDS:
        sheet = client.get(f"{anna}{kind}.csv")
        responses[f"csv {kind}"] = _response(sheet, world)
        golden.check(f"csv/{kind}.csv", sheet.content)
    golden.check_json("before/bob.json", _export(client, world.bob))

    clock.set("2025-03-14 10:05")
    refused = client.post(anna, {"action": "erase"}, headers=SAME_SITE)
    responses["erase unticked"] = _response(refused, world)
    golden.check("erase-unticked.html", _unkeyed(refused.content.decode(), world))
    with committed():
        erased = client.post(anna, {"action": "erase", "confirm": "on"}, headers=SAME_SITE)
    responses["erase"] = _response(erased, world)
    done = client.get(erased["Location"])
    responses["erased page"] = _response(done, world)
    golden.check("erased.html", done.content.decode())
    responses["link after"] = _response(client.get(anna), world)
    golden.check_json("responses.json", responses)

    clock.set("2025-03-14 10:10")
    golden.check_json("after/state.json", _state())
    golden.check_json("after/bob.json", _export(client, world.bob))
    _ask(client, ANNA)  # what is held about her now: nothing but the mail with the new link
    golden.check_json("after/anna.json", _export(client, _access_key(ANNA)))
    golden.assert_same()


def test_it_looks_up_exports_and_erases_for_an_editor_as_before(
    client: Client,
    site: None,
    clock: Clock,
    committed: Any,
    editor: Any,
    essay: EssayPage,
) -> None:
    """A request that came by post: the editor looks the address up, hands over the ZIP, and
    erases with the comments deleted (as the reader asked); after it, what is left and Bob's
    copy."""
    world = _world(client, clock, committed, editor, essay)
    golden = Golden("editor")
    editor_client = Client()
    editor_client.force_login(editor)  # now: a session lasts hours, and the clock moved on
    form = {"email": "Anna@Example.nl", "received_on": "2025-03-12", "note": "brief van 12 maart"}

    found = editor_client.post(ANSWER, {**form, "action": "lookup"})
    assert found.status_code == 200
    # Only what the view shows of the address: the admin's frame around it (its CSRF token,
    # static file versions, menus) is Wagtail's, and not the subject of this test.
    held = re.search(r'<h2 class="w-h2 w-mt-8">.*?</ul>', found.content.decode(), re.DOTALL)
    assert held, found.content.decode()
    golden.check("lookup.html", held.group(0) + "\n")

    clock.set("2025-03-14 10:01")
    copy = editor_client.post(ANSWER, {**form, "action": "export"})
    assert copy.status_code == 200
    golden.check_json("zip-response.json", _response(copy, world))
    # A ZIP's bytes hold the moment each member was written: its members are compared.
    with zipfile.ZipFile(io.BytesIO(copy.content)) as archive:
        names = archive.namelist()
        golden.check("zip/members.txt", "".join(f"{name}\n" for name in names))
        for name in names:
            golden.check(f"zip/{name}", archive.read(name))

    clock.set("2025-03-14 10:05")
    with committed():
        erased = editor_client.post(
            ANSWER, {**form, "action": "erase", "confirm": "on", "delete_comments": "on"}
        )
    golden.check_json("erase-response.json", _response(erased, world))

    clock.set("2025-03-14 10:10")
    golden.check_json("after/state.json", _state())
    golden.check_json("after/bob.json", _export(client, world.bob))
    again = editor_client.post(ANSWER, {**form, "action": "lookup"})
    held = re.search(r'<h2 class="w-h2 w-mt-8">.*?</p>', again.content.decode(), re.DOTALL)
    assert held, again.content.decode()
    golden.check("after/lookup.html", held.group(0) + "\n")
    golden.assert_same()


def test_it_withdraws_each_consent_for_the_reader_as_before(
    client: Client, site: None, clock: Clock, committed: Any, editor: Any, essay: EssayPage
) -> None:
    """The three consents the refactoring merges, each withdrawn with its own button: the
    newsletter, reply mail, publication. What the overview and the copy then say, and the log."""
    world = _world(client, clock, committed, editor, essay)
    golden = Golden("withdrawals")
    anna = f"/mijn-gegevens/{world.anna}/"
    published = ReaderMessage.objects.get(email=ANNA, published=True)
    responses: dict[str, Any] = {}
    for minute, (name, data) in enumerate(
        [
            ("newsletter", {"action": "newsletter"}),
            ("replies", {"action": "replies"}),
            ("publication", {"action": "publication", "message": str(published.pk)}),
        ],
        start=1,
    ):
        clock.set(f"2025-03-14 10:{minute:02}")
        with committed():
            answer = client.post(anna, data, headers=SAME_SITE)
        responses[name] = _response(answer, world)
        golden.check(
            f"{name}.html", _unkeyed(client.get(answer["Location"]).content.decode(), world)
        )
    golden.check_json("responses.json", responses)

    clock.set("2025-03-14 10:10")
    golden.check("gegevens.json", client.get(anna + "gegevens.json").content)
    golden.check_json("bob.json", _export(client, world.bob))
    golden.check_json(
        "data_requests.json",
        [
            {"kind": d.kind, "channel": d.channel, "summary": d.summary}
            for d in DataRequest.objects.order_by("pk")
        ],
    )
    golden.assert_same()
