"""What the site holds about an address, across every app: shown, exported, withdrawn and
erased on the reader's own request; and kept no longer than the README says."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import logging
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voorproef.core.caching import page_cache_purge
from voorproef.core.links import absolute_url
from voorproef.core.spreadsheets import spreadsheet_safe
from voorproef.mail.services import mail_queue

from .models import AccessLink, ConsentWording, DataRequest, PrivacyPage, PrivacySettings

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from voorproef.comments.models import Comment
    from voorproef.downloads.models import Consent, DownloadRequest, Reader
    from voorproef.inbox.models import ReaderMessage
    from voorproef.mail.models import OutgoingMail

logger = logging.getLogger(__name__)
_VOID = "void:"
ACCESS_LINK_HOURS = 24
ACCESS_MAIL = "privacy-access"


# -- consent texts --------------------------------------------------------------------------------


def consent_wording(*, purpose: str, text: str) -> ConsentWording:
    """The version of this consent text: the one on record, or the next version number."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    for _attempt in range(3):
        found = ConsentWording.objects.filter(purpose=purpose, digest=digest).first()
        if found is not None:
            return found
        latest = ConsentWording.objects.filter(purpose=purpose).aggregate(v=Max("version"))["v"]
        try:
            with transaction.atomic():
                return ConsentWording.objects.create(
                    purpose=purpose, version=(latest or 0) + 1, text=text, digest=digest
                )
        except IntegrityError:  # another request recorded it (or took the number) just now
            continue
    raise RuntimeError("could not record a consent text")


# -- what is held about an address ----------------------------------------------------------------


@dataclass
class Holdings:
    email: str
    reader: Reader | None = None
    requests: list[DownloadRequest] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    messages: list[ReaderMessage] = field(default_factory=list)
    mails: list[OutgoingMail] = field(default_factory=list)

    def to_reader(self, mail: OutgoingMail) -> bool:
        """Whether the mail went to this address (else it was about it, to the editors)."""
        return mail.to.casefold() == self.email.casefold()

    @property
    def mail_rows(self) -> list[tuple[OutgoingMail, bool]]:
        return [(mail, self.to_reader(mail)) for mail in self.mails]

    @property
    def empty(self) -> bool:
        """Nothing but the mails that carried a link to this overview."""
        return not (
            self.reader
            or self.comments
            or self.messages
            or any(mail.kind != ACCESS_MAIL for mail in self.mails)
        )


def _address_in_text(email: str) -> re.Pattern[str]:
    """The address itself in a text: anna@example.nl is not in hanna@example.nl, nor in
    anna@example.nl.example."""
    # "=" and "/" may stand in an address, but far more often before one (?email=…, a path).
    before, after = r"(?<![\w.!#$%&'*+?^`{|}~-])", r"(?![\w-]|\.\w)"
    forms = {re.escape(email), re.escape(html.escape(email))}  # as text, and as HTML has it
    return re.compile(before + "(?:" + "|".join(sorted(forms)) + ")" + after, re.IGNORECASE)


def _mails_about(email: str) -> QuerySet[OutgoingMail]:
    """The mail that is this address's: sent to it, or to the editors about its requests,
    messages and comments (with its words, and its address to reply to)."""
    from voorproef.downloads.models import DownloadRequest
    from voorproef.inbox.models import ReaderMessage
    from voorproef.mail.models import OutgoingMail

    about = Q(to__iexact=email) | Q(reply_to__iexact=email)
    about |= Q(
        pk__in=ReaderMessage.objects.filter(email__iexact=email).exclude(mail=None).values("mail")
    )
    about |= Q(
        pk__in=DownloadRequest.objects.filter(reader__email__iexact=email)
        .exclude(mail=None)
        .values("mail")
    )
    return OutgoingMail.objects.filter(about)


def _mails_naming(email: str) -> list[OutgoingMail]:
    """Other people's mail whose text names the address (someone quoting it in a comment, a
    message): theirs to keep, without the address."""
    from voorproef.mail.models import OutgoingMail

    pattern = _address_in_text(email)
    candidates = OutgoingMail.objects.filter(
        Q(subject__icontains=email)
        | Q(body_text__icontains=email)
        | Q(body_html__icontains=email)
        | Q(body_html__icontains=html.escape(email))
    ).exclude(status=OutgoingMail.Status.SENDING)
    return [
        mail
        for mail in candidates
        if any(pattern.search(text) for text in (mail.subject, mail.body_text, mail.body_html))
    ]


def holdings_find(email: str) -> Holdings:
    """Everything stored under an address (compared without regard to case)."""
    from voorproef.comments.models import Comment
    from voorproef.downloads.models import Reader
    from voorproef.inbox.models import ReaderMessage

    reader = Reader.objects.filter(email__iexact=email).first()
    return Holdings(
        email=email,
        reader=reader,
        requests=list(reader.requests.select_related("essay").order_by("created_at"))
        if reader
        else [],
        consents=list(reader.consents.select_related("wording").order_by("given_at"))
        if reader
        else [],
        comments=list(
            Comment.objects.filter(email__iexact=email)
            .select_related("essay", "notify_wording")
            .order_by("pk")
        ),
        messages=list(
            ReaderMessage.objects.filter(email__iexact=email)
            .select_related("essay", "consent_wording")
            .prefetch_related("replies")
            .order_by("pk")
        ),
        mails=list(_mails_about(email).order_by("pk")),
    )


def _when(value: Any) -> str | None:
    """A moment as the site's clock shows it (the pages' time), with its offset from UTC."""
    return timezone.localtime(value).isoformat() if value else None


def holdings_export(
    holdings: Holdings, *, readable: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """All of it, as plain data: what the reader typed, what they agreed to, what happened.
    Readable: states and kinds as the site names them, in its language (for a spreadsheet);
    else their codes (for programs)."""

    def shown(row: Any, field: str) -> Any:
        return getattr(row, f"get_{field}_display")() if readable else getattr(row, field)

    return {
        "download_requests": [
            {
                "essay": r.essay.title,
                "name": r.name,
                "requested_at": _when(r.created_at),
                "delivery": shown(r, "mode"),
                "address_confirmed_at": _when(r.confirmed_at),
                "link_valid_until": _when(r.expires_at),
                "downloads": r.download_count,
                "last_download_at": _when(r.last_download_at),
                "network": r.ip_network,
                "browser": r.user_agent,
            }
            for r in holdings.requests
        ],
        "consents": [
            {
                "purpose": shown(c, "purpose"),
                "text": c.text,
                "text_version": c.wording.version if c.wording else None,
                "source": c.source,
                "given_at": _when(c.given_at),
                "confirmed_at": _when(c.confirmed_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in holdings.consents
        ],
        "comments": [
            {
                "essay": c.essay.title,
                "name": c.name,
                "website": c.url,
                "text": c.text,
                "status": shown(c, "status"),
                "posted_at": _when(c.created_at),
                "edited_at": _when(c.edited_at),
                "mail_me_replies": c.notify_replies,
                "mail_me_replies_text": c.notify_wording.text if c.notify_wording else "",
                "mail_me_replies_text_version": c.notify_wording.version
                if c.notify_wording
                else None,
                "network": c.ip_network,
                "browser": c.user_agent,
            }
            for c in holdings.comments
        ],
        "messages": [
            {
                "essay": m.essay.title,
                "name": m.name,
                "organisation": m.organisation,
                "text": m.text,
                "received_at": _when(m.created_at),
                "publication_consent": m.consent,
                "consent_text": m.consent_text,
                "consent_text_version": m.consent_wording.version if m.consent_wording else None,
                "consent_withdrawn_at": _when(m.consent_withdrawn_at),
                "published": m.published,
                "published_title": m.public_title if m.published else "",
                "published_text": m.shown_text if m.published else "",
                "replies": [
                    {"sent_at": _when(reply.created_at), "text": reply.text}
                    for reply in m.replies.all()
                ],
                "network": m.ip_network,
                "browser": m.user_agent,
            }
            for m in holdings.messages
        ],
        "mails": [
            {
                "kind": mail.kind,
                "to_you": holdings.to_reader(mail),
                "subject": mail.subject,
                "status": shown(mail, "status"),
                "created_at": _when(mail.created_at),
                "sent_at": _when(mail.sent_at),
                # The keys of personal links are masked: a copy handed on must not open
                # this overview (or erase it) or a personal download for whoever gets it.
                "text": mail.text_without_keys(),
            }
            for mail in holdings.mails
        ],
    }


def holdings_json(holdings: Holdings) -> str:
    data = {
        "address": holdings.email,
        "exported_at": _when(timezone.now()),
        **holdings_export(holdings),
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


# The kinds of a copy, and their spreadsheets' file names. A spreadsheet is read by a person:
# its file and its columns are named in the site's language. The JSON keeps these keys, for
# programs.
EXPORT_FILE_NAMES = {
    "download_requests": gettext_lazy("requests"),
    "consents": gettext_lazy("consents"),
    "comments": gettext_lazy("comments"),
    "messages": gettext_lazy("messages"),
    "mails": gettext_lazy("mails"),
}
EXPORT_KINDS = tuple(EXPORT_FILE_NAMES)
_COLUMNS = {
    "address_confirmed_at": gettext_lazy("address confirmed at"),
    "browser": gettext_lazy("browser"),
    "confirmed_at": gettext_lazy("confirmed at"),
    "consent_text": gettext_lazy("consent text"),
    "consent_text_version": gettext_lazy("version of the consent text"),
    "consent_withdrawn_at": gettext_lazy("consent withdrawn at"),
    "created_at": gettext_lazy("made at"),
    "delivery": gettext_lazy("delivery"),
    "downloads": gettext_lazy("downloads"),
    "edited_at": gettext_lazy("edited at"),
    "essay": gettext_lazy("essay"),
    "given_at": gettext_lazy("given at"),
    "kind": gettext_lazy("kind"),
    "last_download_at": gettext_lazy("last downloaded at"),
    "link_valid_until": gettext_lazy("link valid until"),
    "mail_me_replies": gettext_lazy("mail me replies"),
    "mail_me_replies_text": gettext_lazy("text of the consent to reply mail"),
    "mail_me_replies_text_version": gettext_lazy("version of that text"),
    "name": gettext_lazy("name"),
    "network": gettext_lazy("network"),
    "organisation": gettext_lazy("organisation"),
    "posted_at": gettext_lazy("posted at"),
    "publication_consent": gettext_lazy("consent to publish"),
    "published": gettext_lazy("published"),
    "published_text": gettext_lazy("published text"),
    "published_title": gettext_lazy("published title"),
    "purpose": gettext_lazy("purpose"),
    "received_at": gettext_lazy("received at"),
    "requested_at": gettext_lazy("requested at"),
    "sent_at": gettext_lazy("sent at"),
    "source": gettext_lazy("source"),
    "status": gettext_lazy("status"),
    "subject": gettext_lazy("subject"),
    "text": gettext_lazy("text"),
    "text_version": gettext_lazy("version of the text"),
    "to_you": gettext_lazy("to you"),
    "website": gettext_lazy("website"),
    "withdrawn_at": gettext_lazy("withdrawn at"),
}


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return spreadsheet_safe(value)


def holdings_csv(holdings: Holdings, kind: str) -> str:
    return _spreadsheet(holdings_export(holdings, readable=True)[kind])


def _spreadsheet(rows: list[dict[str, Any]]) -> str:
    """Rows as a spreadsheet (CSV). It starts with a byte order mark: without one, Excel reads
    UTF-8 as the local code page and garbles every é and „."""
    out = io.StringIO()
    out.write("\ufeff")
    if rows:
        columns = [key for key in rows[0] if not isinstance(rows[0][key], list)]
        writer = csv.writer(out)
        writer.writerow([str(_COLUMNS.get(key, key)) for key in columns])
        writer.writerows([_cell(row[key]) for key in columns] for row in rows)
    return out.getvalue()


def holdings_zip(holdings: Holdings) -> bytes:
    """Everything in one file to hand over: the JSON, and a spreadsheet (CSV) per kind."""
    out = io.BytesIO()
    # In the site's language, not the editor's: the reader gets it.
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr("gegevens.json", holdings_json(holdings))
        readable = holdings_export(holdings, readable=True)
        for kind, file_name in EXPORT_FILE_NAMES.items():
            archive.writestr(f"{file_name}.csv", _spreadsheet(readable[kind]))
    return out.getvalue()


# -- the reader's link ----------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_link_send(*, email: str) -> None:
    """Mail a link to what is held about this address, whether or not anything is: the
    answer, and the work done, never tell a visitor whether an address is known."""
    now = timezone.now()
    raw = secrets.token_urlsafe(24)
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
            token_hash=_hash(raw),
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
    return AccessLink.objects.filter(token_hash=_hash(raw)).first()


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


def newsletter_withdraw(*, holdings: Holdings) -> int:
    """No more newsletter for this address: every newsletter consent ends now."""
    from voorproef.downloads.models import Consent

    if holdings.reader is None:
        return 0
    return Consent.objects.filter(
        reader=holdings.reader, purpose=Consent.Purpose.NEWSLETTER, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


def replies_withdraw(*, holdings: Holdings) -> int:
    """No more mail about replies to this address's comments."""
    from voorproef.comments.models import Comment

    return Comment.objects.filter(
        pk__in=[c.pk for c in holdings.comments], notify_replies=True
    ).update(notify_replies=False)


def publication_withdraw(*, holdings: Holdings, message_id: int) -> bool:
    """Take back the consent to publish one experience; off the page at once."""
    from voorproef.inbox.services import message_consent_withdraw

    message = next((m for m in holdings.messages if m.pk == message_id), None)
    if message is None or not message.consent:
        return False
    message_consent_withdraw(message=message)
    return True


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
    """Erase what is held about an address: requests, consents, messages and mail deleted;
    comments anonymised, or deleted when asked and the editors allow it; published
    experiences leave the page. The log keeps numbers, nothing personal.

    A reader erases through their link, which goes with the rest: a second request through the
    same link (a double click) finds it gone, erases nothing and logs nothing (None)."""
    from voorproef.comments.models import Comment
    from voorproef.downloads.models import Reader
    from voorproef.inbox.models import ReaderMessage
    from voorproef.mail.models import OutgoingMail

    delete_comments = delete_comments and PrivacySettings.load().comments_deletable
    with transaction.atomic():
        # Deleting the link first makes a second request through it wait for this one (its
        # row is locked until the commit) and then find nothing to delete.
        if access_link is not None and not AccessLink.objects.filter(pk=access_link.pk).delete()[0]:
            return None
        readers = Reader.objects.filter(email__iexact=email)
        messages = ReaderMessage.objects.filter(email__iexact=email)
        comments = Comment.objects.filter(email__iexact=email)
        page_changes = (
            messages.filter(published=True).exists()
            or comments.filter(status=Comment.Status.APPROVED).exists()
        )
        # Mail that was about this reader (to the editors, with their words) goes too. Its
        # ids are read now: deleting the requests and messages below unlinks them.
        mail_ids = list(
            _mails_about(email)
            .exclude(status=OutgoingMail.Status.SENDING)  # a worker holds it for a moment
            .values_list("pk", flat=True)
        )
        mails = OutgoingMail.objects.filter(pk__in=mail_ids)
        # Someone else's mail that names the address keeps its text, without the address.
        pattern = _address_in_text(email)
        with translation.override(settings.LANGUAGE_CODE):
            erased_address = _("[address erased]")
        erased_ids = set(mail_ids)
        naming = [mail for mail in _mails_naming(email) if mail.pk not in erased_ids]
        subject_length = OutgoingMail._meta.get_field("subject").max_length
        for mail in naming:
            for column in ("subject", "body_text", "body_html"):
                text = pattern.sub(lambda _match: erased_address, getattr(mail, column))
                setattr(mail, column, text[:subject_length] if column == "subject" else text)
        OutgoingMail.objects.bulk_update(naming, ["subject", "body_text", "body_html"])
        # A reply mail told another reader what this one wrote, under this one's name: that
        # mail is the other reader's, so a sent one keeps its row and loses what it said; one
        # not sent yet is not sent.
        told = OutgoingMail.objects.filter(
            pk__in=list(comments.exclude(reply_mail=None).values_list("reply_mail", flat=True))
        )
        told.filter(status=OutgoingMail.Status.QUEUED).delete()
        told.exclude(status=OutgoingMail.Status.SENDING).update(
            subject="", body_text="", body_html="", reply_to="", attachments=[]
        )

        summary = {
            "download_requests": readers.aggregate(n=Count("requests"))["n"] or 0,
            "consents": readers.aggregate(n=Count("consents"))["n"] or 0,
            "messages": messages.count(),
            "mails": mails.count(),
            "mails_scrubbed": len(naming),
        }
        if delete_comments:
            summary["comments_deleted"] = comments.delete()[1].get("comments.Comment", 0)
        else:
            with translation.override(settings.LANGUAGE_CODE):  # the page's, not the admin's
                anonymous = _("Anonymous")
            summary["comments_anonymised"] = comments.update(
                name=anonymous,
                email="",
                url="",
                ip_network="",
                user_agent="",
                notify_replies=False,
                edited_at=None,
                reason="",
            )
        messages.delete()
        readers.delete()
        mails.delete()
        AccessLink.objects.filter(email__iexact=email).delete()
        entry = data_request_log(
            kind=DataRequest.Kind.ERASURE,
            channel=channel,
            summary=summary,
            handled_by=handled_by,
            received_at=received_at,
            note=note,
        )
        if page_changes:
            transaction.on_commit(lambda: page_cache_purge(reason="data erased"))
    logger.info("erased an address's data: %s", summary)
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
    from voorproef.essays.models import HomePage

    done = PrivacySettings.load()
    home = HomePage.objects.live().first()
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


def _networks_clear(since: timedelta) -> int:
    """Truncated IP addresses and browser strings, once they are no longer needed to spot
    abuse."""
    from voorproef.comments.models import Comment
    from voorproef.downloads.models import DownloadRequest
    from voorproef.inbox.models import ReaderMessage

    cutoff = timezone.now() - since
    cleared = 0
    for model in (DownloadRequest, ReaderMessage, Comment):
        rows = model.objects.filter(created_at__lt=cutoff).exclude(ip_network="", user_agent="")
        cleared += rows.update(ip_network="", user_agent="")
    return cleared


def _unconfirmed_delete(since: timedelta) -> int:
    """Double opt-in never completed: nobody agreed to anything. The request goes with its
    consents and the mail that asked for the click; a newsletter consent never confirmed goes
    too (its download stays); and a reader with nothing left goes with their name and address.
    Counts the requests and consents deleted."""
    from voorproef.downloads.models import Consent, DownloadRequest, Reader
    from voorproef.mail.models import OutgoingMail

    cutoff = timezone.now() - since
    with transaction.atomic():
        requests = DownloadRequest.objects.filter(
            mode=DownloadRequest.Mode.CONFIRM, confirmed_at__isnull=True, created_at__lt=cutoff
        )
        consents = Consent.objects.filter(
            Q(download_request__in=requests) | Q(confirmed_at__isnull=True, given_at__lt=cutoff)
        )
        mail_ids = set(requests.exclude(mail=None).values_list("mail", flat=True))
        # A download kept without its newsletter consent: its newsletter link now leads nowhere.
        DownloadRequest.objects.filter(consents__in=consents).update(newsletter_token_hash=None)
        readers = set(requests.values_list("reader", flat=True)) | set(
            consents.values_list("reader", flat=True)
        )
        deleted = consents.delete()[1].get("downloads.Consent", 0)
        deleted += requests.delete()[1].get("downloads.DownloadRequest", 0)
        OutgoingMail.objects.filter(pk__in=mail_ids).exclude(
            status=OutgoingMail.Status.SENDING
        ).delete()
        Reader.objects.filter(pk__in=readers, requests=None, consents=None).delete()
    return int(deleted)


def _mail_bodies_clear(since: timedelta) -> int:
    """What old mail said, and about whom (a subject may name a reader, the reply address of
    a mail to the editors is the reader's, the headers hold personal unsubscribe links, a
    mail server's refusal names the address); the row stays, to show it was sent."""
    from voorproef.mail.models import OutgoingMail

    cutoff = timezone.now() - since
    old = OutgoingMail.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]
    )
    said = ~Q(subject="") | ~Q(body_text="") | ~Q(body_html="") | ~Q(reply_to="")
    said |= ~Q(headers={}) | ~Q(attachments=[]) | ~Q(last_error="")
    return int(
        old.filter(said).update(
            subject="",
            body_text="",
            body_html="",
            reply_to="",
            headers={},
            attachments=[],
            last_error="",
        )
    )


def _access_mails_delete() -> int:
    """A mail with a link to "Mijn gegevens" is kept until its link is dead: it was sent to
    whoever's address was typed in, known or not."""
    from voorproef.mail.models import OutgoingMail

    cutoff = timezone.now() - timedelta(hours=ACCESS_LINK_HOURS)
    old = OutgoingMail.objects.filter(kind=ACCESS_MAIL, created_at__lt=cutoff).exclude(
        status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]
    )
    return int(old.delete()[0])


def _expired_tokens_invalidate(since: timedelta) -> int:
    """A personal link stops meaning anything some time after it expired (until then it
    leads to the page that offers a fresh one): its stored hash is replaced by the hash of a
    token nobody holds."""
    from voorproef.downloads.models import DownloadRequest

    cutoff = timezone.now() - since
    expired = DownloadRequest.objects.filter(expires_at__lt=cutoff).exclude(
        token_hash__startswith=_VOID
    )
    count = 0
    with transaction.atomic():
        for request in expired.select_for_update().only("pk"):
            void = _VOID + hashlib.sha256(secrets.token_bytes(32)).hexdigest()[:59]
            DownloadRequest.objects.filter(pk=request.pk).update(
                token_hash=void, newsletter_token_hash=None
            )
            count += 1
    return count


def retention_purge() -> dict[str, int]:
    """Run every retention rule once; returns what each did."""
    from voorproef.comments.services import comments_purge

    done = {
        "networks_cleared": _networks_clear(timedelta(days=settings.RETENTION_NETWORK_DAYS)),
        "unconfirmed_deleted": _unconfirmed_delete(
            timedelta(days=settings.RETENTION_UNCONFIRMED_DAYS)
        ),
        "spam_and_trash_deleted": comments_purge(),
        "mail_bodies_cleared": _mail_bodies_clear(timedelta(days=settings.RETENTION_MAIL_DAYS)),
        "expired_links_invalidated": _expired_tokens_invalidate(
            timedelta(days=settings.RETENTION_NETWORK_DAYS)
        ),
        "access_links_deleted": AccessLink.objects.filter(expires_at__lt=timezone.now()).delete()[
            0
        ],
        "access_mails_deleted": _access_mails_delete(),
    }
    if any(done.values()):
        logger.info("retention purge: %s", done)
    return done
