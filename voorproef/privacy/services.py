"""What the site holds about an address, across every app: shown, exported, withdrawn and
erased on the reader's own request; and kept no longer than the README says.

Each app describes its own share in its `personal_data.py` (voorproef/core/personal_data.py);
this module runs them together."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page

from voorproef.core import events
from voorproef.core.keys import token_hash, token_new
from voorproef.core.links import absolute_url
from voorproef.core.pagecache import page_cache_purge
from voorproef.core.personal_data import (
    Copy,
    Erasure,
    PersonalData,
    personal_data_erasure_order,
    personal_data_kinds,
    retention_rules,
)
from voorproef.core.spreadsheets import spreadsheet_safe
from voorproef.mail.services import mail_queue, mails_delete

from .models import AccessLink, Consent, DataRequest, PrivacyPage, PrivacySettings
from .notices import PublishedContentReason, published_content_notice

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)
ACCESS_LINK_HOURS = 24
ACCESS_MAIL = "privacy-access"
# The copy as one file (its name in the editors' ZIP and the reader's download).
COPY_JSON_NAME = "gegevens.json"


# -- what is held about an address ----------------------------------------------------------------


@dataclass
class Holdings:
    """Everything stored under an address, by kind (`personal_data_kinds`)."""

    email: str
    found: dict[str, list[Any]]

    @property
    def empty(self) -> bool:
        """Nothing but the mails that carried a link to this overview."""
        return not any(
            data.held(row) for data in personal_data_kinds() for row in self.found[data.kind]
        )

    @property
    def counts(self) -> list[str]:
        """How many of each kind, as the editors' look-up says it."""
        return [
            data.count_label % {"n": len(self.found[data.kind])} for data in personal_data_kinds()
        ]

    def sections(self) -> list[dict[str, Any]]:
        """Each kind's section of the reader's overview, with what it shows."""
        return [
            {
                "template": data.overview_template,
                "rows": self.found[data.kind],
                **(
                    data.overview_context(self.found[data.kind], self.email)
                    if data.overview_context
                    else {}
                ),
            }
            for data in personal_data_kinds()
            if data.overview_template
        ]


def holdings_find(email: str) -> Holdings:
    """Everything stored under an address (compared without regard to case)."""
    return Holdings(email, {data.kind: data.find(email) for data in personal_data_kinds()})


def holdings_export(
    holdings: Holdings, *, readable: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """All of it, as plain data: what the reader typed, what they agreed to, what happened.
    Readable: states and kinds as the site names them, in its language (for a spreadsheet);
    else their codes (for programs)."""
    copy = Copy(email=holdings.email, readable=readable)
    return {
        data.kind: [data.export(row, copy) for row in holdings.found[data.kind]]
        for data in personal_data_kinds()
    }


# The site counts visits (voorproef/stats) only as daily numbers per page, none of them tied to
# an address: a copy has nothing to show of them, and says so.
STATISTICS_NOTE = _(
    "Statistics: we count per page and day how many browsers came, from where, and how many "
    "took each step (the form, a request, a download, a message, a comment). None of these "
    "numbers is tied to you, your name or your address, so there is nothing of them to show "
    "or erase here."
)


def holdings_json(holdings: Holdings) -> str:
    data = {
        "address": holdings.email,
        "exported_at": Copy.when(timezone.now()),
        "statistics": str(STATISTICS_NOTE),
        **holdings_export(holdings),
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def export_file_names() -> dict[str, Any]:
    """The kinds of a copy, and their spreadsheets' file names. A spreadsheet is read by a
    person: its file and its columns are named in the site's language. The JSON keeps the
    kinds' keys, for programs."""
    return {data.kind: data.file_name for data in personal_data_kinds()}


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return spreadsheet_safe(value)


def _spreadsheet(data: PersonalData, rows: list[dict[str, Any]]) -> str:
    """Rows as a spreadsheet (CSV). It starts with a byte order mark: without one, Excel reads
    UTF-8 as the local code page and garbles every é and „."""
    out = io.StringIO()
    out.write("\ufeff")
    if rows:
        columns = [key for key in rows[0] if not isinstance(rows[0][key], list)]
        writer = csv.writer(out)
        writer.writerow([str(data.columns.get(key, key)) for key in columns])
        writer.writerows([_cell(row[key]) for key in columns] for row in rows)
    return out.getvalue()


def _kind(kind: str) -> PersonalData:
    return next(data for data in personal_data_kinds() if data.kind == kind)


def holdings_csv(holdings: Holdings, kind: str) -> str:
    return _spreadsheet(_kind(kind), holdings_export(holdings, readable=True)[kind])


def holdings_zip(holdings: Holdings) -> bytes:
    """Everything in one file to hand over: the JSON, and a spreadsheet (CSV) per kind."""
    out = io.BytesIO()
    # In the site's language, not the editor's: the reader gets it.
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(COPY_JSON_NAME, holdings_json(holdings))
        readable = holdings_export(holdings, readable=True)
        for data in personal_data_kinds():
            archive.writestr(f"{data.file_name}.csv", _spreadsheet(data, readable[data.kind]))
    return out.getvalue()


# -- the reader's link ----------------------------------------------------------------------------


def access_link_send(*, email: str) -> None:
    """Mail a link to what is held about this address, whether or not anything is: the
    answer, and the work done, never tell a visitor whether an address is known."""
    now = timezone.now()
    raw, hashed = token_new()
    recent = AccessLink.objects.filter(email=email, created_at__gte=now - timedelta(days=1))
    over_share = recent.count() >= settings.PRIVACY_MAILS_PER_ADDRESS_PER_DAY
    with transaction.atomic():
        # Over its share, the request is answered by the links mailed earlier that day: the
        # log does not show it as open for ever.
        DataRequest.objects.create(
            kind=DataRequest.Kind.ACCESS,
            channel=DataRequest.Channel.READER,
            received_at=now,
            answered_at=now,
            summary={"not_mailed_links_sent_today": 1} if over_share else {},
        )
        if over_share:
            logger.warning("privacy link not sent: address over its daily share")
            return
        AccessLink.objects.create(
            email=email,
            token_hash=hashed,
            created_at=now,
            expires_at=now + timedelta(hours=ACCESS_LINK_HOURS),
        )
        mail_queue(
            kind=ACCESS_MAIL,
            to=email,
            context={
                "link": absolute_url(reverse("privacy_overview", args=[raw])),
                "hours": ACCESS_LINK_HOURS,
            },
        )


def access_link_read(raw: str) -> AccessLink | None:
    """The link behind a token, expired or not; None for a token nobody was given."""
    return AccessLink.objects.filter(token_hash=token_hash(raw)).first()


def data_request_log(
    *,
    kind: str,
    channel: str,
    summary: dict[str, int] | None = None,
    handled_by: User | None = None,
    received_at: Any = None,
    note: str = "",
) -> DataRequest:
    now = timezone.now()
    return DataRequest.objects.create(
        kind=kind,
        channel=channel,
        received_at=received_at or now,
        answered_at=now,
        handled_by=handled_by,
        summary=summary or {},
        note=note,
    )


# -- withdrawing and erasing ----------------------------------------------------------------------


def consent_withdraw(*, holdings: Holdings, action: str, post: Mapping[str, str]) -> str | None:
    """One of the overview's withdrawal buttons: the consent ends now and the log says so.
    Returns the word the overview's address says it with, or None for an unknown button."""
    for data in personal_data_kinds():
        for withdrawal in data.withdrawals:
            if withdrawal.action == action:
                if withdrawal.run(holdings.found[data.kind], post):
                    data_request_log(
                        kind=DataRequest.Kind.WITHDRAWAL,
                        channel=DataRequest.Channel.READER,
                        summary={withdrawal.logged_as: 1},
                    )
                return withdrawal.done
    return None


def withdrawal_message(done: str) -> str | None:
    """What the overview says once a withdrawal is done (by the word in its address)."""
    for data in personal_data_kinds():
        for withdrawal in data.withdrawals:
            if withdrawal.done == done:
                return str(withdrawal.message)
    return None


def erasure_receipt(summary: Mapping[str, int]) -> list[str]:
    """What an erasure did, a line a kind, in the site's words."""
    return [
        label % {"n": summary[key]}
        for data in personal_data_erasure_order()
        for key, label in data.receipt.items()
        if key in summary
    ]


def holdings_erase(
    *,
    email: str,
    delete_comments: bool,
    channel: str,
    handled_by: User | None = None,
    received_at: Any = None,
    note: str = "",
    access_link: AccessLink | None = None,
) -> DataRequest | None:
    """Erase what is held about an address, each kind as its app says (requests, consents,
    messages and mail deleted; comments anonymised, or deleted when asked and the editors
    allow it; published experiences leave the page). The log keeps numbers, nothing personal.

    A reader erases through their link, which goes with the rest: a second request through the
    same link (a double click) finds it gone, erases nothing and logs nothing (None)."""
    delete_comments = delete_comments and PrivacySettings.load().comments_deletable
    with transaction.atomic():
        # Deleting the link first makes a second request through it wait for this one (its
        # row is locked until the commit) and then find nothing to delete.
        if access_link is not None and not AccessLink.objects.filter(pk=access_link.pk).delete()[0]:
            return None
        erasure = Erasure(
            email=email,
            found=holdings_find(email).found,
            delete_comments=delete_comments,
        )
        for data in personal_data_erasure_order():
            data.erase(erasure)
        # What is left of the address: its links here, and the proof of consents whose rows
        # were kept (anonymised comments).
        AccessLink.objects.filter(email__iexact=email).delete()
        Consent.objects.filter(email__iexact=email).delete()
        events.emit("reader.erased", essay_id=None, email=email.lower())
        entry = data_request_log(
            kind=DataRequest.Kind.ERASURE,
            channel=channel,
            summary=erasure.summary,
            handled_by=handled_by,
            received_at=received_at,
            note=note,
        )
        if erasure.taken_off:
            published_content_notice(items=erasure.taken_off, reason=PublishedContentReason.ERASED)
        if erasure.pages_changed:
            transaction.on_commit(lambda: page_cache_purge(reason="data erased", pages=False))
    logger.info("erased an address's data: %s", erasure.summary)
    return entry


# -- the privacy statement ------------------------------------------------------------------------


def privacy_statement_text() -> str:
    """A privacy statement written from what the site stores and the retention settings, in
    the site's language, as rich text an editor can go on editing."""
    from voorproef.core.models import SiteSettings
    from voorproef.mail.services import reply_address

    site = SiteSettings.load()
    context = {
        "publisher": site.publisher_name or settings.WAGTAIL_SITE_NAME,
        "contact": reply_address(site),
        "my_data": reverse("privacy_access"),
        "unconfirmed_days": settings.RETENTION_UNCONFIRMED_DAYS,
        "purge_days": settings.COMMENTS_PURGE_DAYS,
        "network_days": settings.RETENTION_NETWORK_DAYS,
        "mail_days": settings.RETENTION_MAIL_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("privacy/statement_default.html", context).strip()


def privacy_page_ensure() -> PrivacyPage | None:
    """Publish the privacy statement under the home page the first time there is one, and
    link it from every form. None when it was written before (editors who removed it meant
    to), or there is no live home page to put it under."""
    from voorproef.core.models import SiteSettings

    done = PrivacySettings.load()
    home = Page.objects.live().type(*PrivacyPage.allowed_parent_page_models()).first()
    if home is None or done.statement_written_at or PrivacyPage.objects.exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        page = PrivacyPage(title=_("Privacy statement"), slug="privacy")
    page.body = privacy_statement_text()
    home.add_child(instance=page)
    page.save_revision().publish()
    site = SiteSettings.load()
    if site.privacy_page_id is None:
        site.privacy_page = page
        site.save(update_fields=["privacy_page"])
    done.statement_written_at = timezone.now()
    done.save(update_fields=["statement_written_at"])
    logger.info("published the privacy statement at %s", page.url_path)
    return page


# -- retention ------------------------------------------------------------------------------------


def access_links_delete() -> int:
    return int(AccessLink.objects.filter(expires_at__lt=timezone.now()).delete()[0])


def access_mails_delete() -> int:
    """A mail with a link to "Mijn gegevens" is kept until its link is dead: it was sent to
    whoever's address was typed in, known or not."""
    return mails_delete(kind=ACCESS_MAIL, older_than=timedelta(hours=ACCESS_LINK_HOURS))


def retention_purge() -> dict[str, int]:
    """Run every retention rule once (each app's, and the overview's own links and mail);
    returns what each did, rules of one name added up."""
    done: dict[str, int] = {}
    for rule in retention_rules():
        done[rule.name] = done.get(rule.name, 0) + rule.run()
    if any(done.values()):
        logger.info("retention purge: %s", done)
    return done
