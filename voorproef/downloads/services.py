from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from voorproef.core import events
from voorproef.core.keys import token_hash, token_new
from voorproef.core.links import absolute_url, signed_id_link, signed_id_read
from voorproef.mail.models import OutgoingMail
from voorproef.mail.services import Attachment, mail_defer, reply_address
from voorproef.privacy.consent import consent_record
from voorproef.privacy.models import Consent

from .models import DownloadRequest, DownloadTally, EssayPdf, Reader
from .pdf import essay_pdf_render, pdf_page_count, pdf_personal_copy

if TYPE_CHECKING:
    from voorproef.core.pages import FeaturePage

logger = logging.getLogger(__name__)
_UNSUBSCRIBE_SALT = "voorproef.newsletter.unsubscribe"


class PdfNotReady(OSError):
    """The essay's PDF is still being made; a mail that needs it tries again later."""


def _mail_allowed(reader: Reader, *, new: bool) -> bool:
    """Whether the address has mail left today; a reader first seen now has had none (and the
    count is not read)."""
    if new:
        return settings.DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY > 0
    since = timezone.now() - timedelta(days=1)
    sent = DownloadRequest.objects.filter(
        reader=reader, mail__isnull=False, created_at__gte=since
    ).count()
    return sent < settings.DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY


def _essay_pdf_stored(essay: FeaturePage) -> tuple[Storage, str] | None:
    """Where the file readers' copies are stamped from is kept (its storage and name): the
    upload, else the one made from the page; None while that is being made. Asked on every
    download request: the made one's name is read with one statement, a tenth of the time the
    ORM takes to build and run its query."""
    if essay.pdf_document_id:
        file = essay.pdf_document.file
        return file.storage, file.name
    table = connection.ops.quote_name(EssayPdf._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT file FROM {table} WHERE essay_id = %s", [essay.pk])  # noqa: S608
        row = cursor.fetchone()
    return (EssayPdf.file.field.storage, row[0]) if row is not None and row[0] else None


def essay_pdf_base(essay: FeaturePage) -> bytes | None:
    stored = _essay_pdf_stored(essay)
    if stored is None:
        return None
    storage, name = stored
    with storage.open(name, "rb") as f:
        return bytes(f.read())


def essay_pdf_refresh(*, essay: FeaturePage) -> EssayPdf | None:
    """Render the live revision's PDF unless it is there already (or an upload replaces it)."""
    essay.refresh_from_db(fields=["live", "live_revision", "pdf_document"])
    if essay.pdf_document_id or not essay.live:
        return None
    current = EssayPdf.objects.filter(essay=essay).first()
    if current and current.file and current.revision_id == essay.live_revision_id:
        return current
    data = essay_pdf_render(essay)
    pdf = current or EssayPdf(essay=essay)
    old_name = pdf.file.name if pdf.file else None
    pdf.revision_id = essay.live_revision_id
    pdf.page_count = pdf_page_count(data)
    pdf.rendered_at = timezone.now()
    pdf.file.save(f"{essay.slug}-{essay.live_revision_id}.pdf", ContentFile(data), save=False)
    with transaction.atomic():
        pdf.save()
        if old_name and old_name != pdf.file.name:
            # Only once the new file is the one on record.
            storage = pdf.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    logger.info("rendered the PDF of %s (%s pages)", essay.slug, pdf.page_count)
    return pdf


def essay_pdf_for_editors(page: FeaturePage) -> bytes:
    """The PDF of the page's newest revision, draft or live, as readers would get it (without a
    reader's name): the stored one when that revision is live, else made now. Nothing is
    recorded: looking is not a download."""
    draft = page.get_latest_revision_as_object()
    if draft.pdf_document_id:
        with draft.pdf_document.file.open("rb") as f:
            return bytes(f.read())
    stored = EssayPdf.objects.filter(essay_id=page.pk).first()
    if (
        stored is not None
        and stored.file
        and page.live
        and not page.has_unpublished_changes
        and stored.revision_id == page.live_revision_id
    ):
        with stored.file.open("rb") as f:
            return bytes(f.read())
    return essay_pdf_render(draft)


def _reader(email: str, now: datetime) -> tuple[Reader, bool]:
    """The reader with this address, and whether they are new: stored now if so, in one
    statement that inserts the row unless the address has one (not a read, a savepoint and a
    write, each a turn inside the writers' lock), then read if it had."""
    table = connection.ops.quote_name(Reader._meta.db_table)
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (email, created_at) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (email) DO NOTHING RETURNING id",
                [email, connection.ops.adapt_datetimefield_value(now)],
            )
            row = cursor.fetchone()
        if row is not None:
            fields = ["id", "email", "created_at"]
            return Reader.from_db(connection.alias, fields, [row[0], email, now]), True
        if (reader := Reader.objects.filter(email=email).first()) is not None:
            return reader, False
        # On PostgreSQL an erasure of this address may commit between the two statements:
        # the reader is stored anew.
    return Reader.objects.get(email=email), False


_TALLIES = ("requests", "confirmed", "downloads")


def _tally(essay_id: int, what: str) -> None:
    """One more of `what` for the essay today, in the caller's transaction: one statement that
    inserts the day's row or adds to it, so concurrent requests neither collide nor lose one."""
    assert what in _TALLIES
    table = connection.ops.quote_name(DownloadTally._meta.db_table)
    column = connection.ops.quote_name(what)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (essay_id, day, requests, confirmed, downloads) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (essay_id, day) "
            f"DO UPDATE SET {column} = {table}.{column} + 1",
            [essay_id, timezone.localdate(), *(int(what == name) for name in _TALLIES)],
        )


def download_request_create(
    *,
    essay: FeaturePage,
    name: str,
    email: str,
    newsletter: bool,
    ip_network: str,
    user_agent: str,
) -> tuple[DownloadRequest, str]:
    """Store a reader's request, and their newsletter consent awaiting confirmation; queue the
    mail unless this address had its share today. Returns the request and its raw token."""
    mode = essay.delivery_mode
    now = timezone.now()
    raw, hashed = token_new()
    newsletter = newsletter and bool(essay.newsletter_text)
    newsletter_raw, newsletter_hash = (
        token_new() if newsletter and mode == DownloadRequest.Mode.DIRECT else (None, None)
    )
    request = DownloadRequest(
        essay=essay,
        name=name,
        mode=mode,
        created_at=now,
        ip_network=ip_network,
        user_agent=user_agent[:300],
        token_hash=hashed,
        newsletter_token_hash=newsletter_hash,
        expires_at=now + timedelta(days=essay.link_valid_days),
    )
    attach = _pdf_attached(essay, mode)
    attachments = [{"builder": "download-pdf"}] if attach else []
    links = {
        "link": absolute_url(reverse("download_landing", args=[raw])),
        "newsletter_link": (
            absolute_url(reverse("newsletter_confirm", args=[newsletter_raw]))
            if newsletter_raw
            else ""
        ),
    }
    with transaction.atomic():
        request.reader, new_reader = _reader(email, now)
        mail_allowed = _mail_allowed(request.reader, new=new_reader)
        if not mail_allowed:
            logger.warning("download mail not sent: address over its daily share")
        elif not newsletter:
            # Stored first, so that the request is stored with it (not updated after).
            request.mail = _mail_queue(request, links, None, attachments)
        request.save(force_insert=True)
        _tally(essay.pk, "requests")
        consent = None
        if newsletter:
            consent = consent_record(
                email=request.reader.email,
                purpose=Consent.Purpose.NEWSLETTER,
                text=essay.newsletter_text,
                source=f"download form: {essay.slug}",
                given_at=now,
                subject=request,
            )
            if mail_allowed:
                # Its unsubscribe link names the consent.
                request.mail = _mail_queue(request, links, consent, attachments)
                request.save(update_fields=["mail"])
        events.emit(
            "lead.created",
            essay_id=essay.pk,
            subject=request,
            newsletter=consent is not None,
            ip_network=ip_network,
            user_agent=request.user_agent,
        )
    return request, raw


def newsletter_unsubscribe_link(consent: Consent) -> str:
    return signed_id_link("newsletter_unsubscribe", consent.pk, salt=_UNSUBSCRIBE_SALT)


def newsletter_unsubscribe_read(token: str) -> Consent | None:
    pk = signed_id_read(token, salt=_UNSUBSCRIBE_SALT)
    if pk is None:
        return None
    return Consent.objects.filter(pk=pk, purpose=Consent.Purpose.NEWSLETTER).first()


def newsletter_unsubscribe(*, consent: Consent) -> int:
    """Every newsletter consent of this address ends now; doing it twice changes nothing."""
    return newsletter_withdraw(
        Consent.objects.filter(email__iexact=consent.email, purpose=Consent.Purpose.NEWSLETTER)
    )


def newsletter_withdraw(consents: QuerySet[Consent]) -> int:
    """End the newsletter consents among these that still hold, and tell the followers once
    for each address that had one."""
    with transaction.atomic():
        active = consents.filter(
            purpose=Consent.Purpose.NEWSLETTER, withdrawn_at__isnull=True
        ).select_for_update()
        emails = {email.lower() for email in active.values_list("email", flat=True)}
        ended = Consent.objects.filter(pk__in=active.values("pk")).update(
            withdrawn_at=timezone.now()
        )
        for email in sorted(emails):
            events.emit("newsletter.withdrawn", essay_id=None, email=email)
    return ended


def _consents_confirm(consents: QuerySet[Consent], now: Any) -> None:
    """Confirm the consents among these still waiting; a newsletter one is now valid."""
    waiting = list(consents.filter(confirmed_at__isnull=True, withdrawn_at__isnull=True))
    Consent.objects.filter(pk__in=[c.pk for c in waiting], confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    for consent in waiting:
        consent.confirmed_at = now
        if consent.purpose == Consent.Purpose.NEWSLETTER:
            events.emit("newsletter.consented", essay_id=None, subject=consent)


def _pdf_attached(essay: FeaturePage, mode: str) -> bool:
    """Whether the mail carries the PDF: by its size, not its bytes. Not made yet: attach it
    anyway; the mail waits for it."""
    if mode != DownloadRequest.Mode.DIRECT or not essay.attach_pdf:
        return False
    stored = _essay_pdf_stored(essay)
    if stored is None:
        return True
    storage, name = stored
    try:
        return bool(storage.size(name) <= settings.MAIL_ATTACHMENT_MAX_BYTES)
    except FileNotFoundError:
        return True


def _mail_queue(
    request: DownloadRequest,
    links: dict[str, str],
    consent: Consent | None,
    attachments: list[dict[str, Any]],
) -> OutgoingMail:
    """The mail with the reader's link (and the PDF, or the link to confirm the address
    first), queued to be written by the worker (`download_mail_context`): only the links,
    which no row keeps, are stored with it."""
    unsubscribe = newsletter_unsubscribe_link(consent) if consent else ""
    links = {**links, "newsletter_unsubscribe_link": unsubscribe}
    headers = (
        {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if consent
        else {}
    )
    direct = request.mode == DownloadRequest.Mode.DIRECT
    return mail_defer(
        kind="download" if direct else "download-confirm",
        to=request.reader.email,
        context=links,
        headers=headers,
        attachments=attachments,
    )


def download_mail_context(mail: OutgoingMail) -> dict[str, Any] | None:
    """What a download mail is written from, beside its links (see mail.services
    CONTEXT_BUILDERS); None once its request is gone."""
    request = DownloadRequest.objects.select_related("essay").filter(mail=mail).first()
    if request is None:
        return None
    return {
        "name": request.name,
        "essay": request.essay,
        "expires_at": request.expires_at,
        "attached": bool(mail.attachments),
        "replies_welcome": bool(reply_address()),
    }


def download_request_by_token(raw: str) -> DownloadRequest | None:
    return (
        DownloadRequest.objects.select_related("essay", "reader")
        .filter(token_hash=token_hash(raw))
        .first()
    )


def download_confirm(*, request: DownloadRequest) -> None:
    """The reader clicked the link in the mail: the address is theirs."""
    now = timezone.now()
    with transaction.atomic():
        if DownloadRequest.objects.filter(pk=request.pk, confirmed_at__isnull=True).update(
            confirmed_at=now
        ):
            _tally(request.essay_id, "confirmed")
            request.confirmed_at = now
            events.emit("lead.confirmed", essay_id=request.essay_id, subject=request)
        _consents_confirm(request.consents.all(), now)
    request.refresh_from_db(fields=["confirmed_at"])


def newsletter_request_by_token(raw: str) -> DownloadRequest | None:
    return (
        DownloadRequest.objects.select_related("essay")
        .filter(newsletter_token_hash=token_hash(raw))
        .first()
    )


def newsletter_confirm(*, raw_token: str) -> bool:
    """The reader clicked the newsletter link in their download mail. It works as long as the
    download link it came with: an expired request confirms nothing."""
    request = newsletter_request_by_token(raw_token)
    if request is None or request.expired:
        return False
    consents = request.consents.filter(withdrawn_at__isnull=True)
    if not consents.exists():  # withdrawn since: there is nothing to confirm
        return False
    with transaction.atomic():
        _consents_confirm(consents, timezone.now())
    return True


def personal_copy(*, request: DownloadRequest) -> bytes:
    base = essay_pdf_base(request.essay)
    if base is None:
        raise PdfNotReady(f"no PDF yet for {request.essay.slug}")
    return pdf_personal_copy(base=base, reader_name=request.name, title=request.essay.title)


def download_serve(*, request: DownloadRequest) -> bytes:
    """The reader's personal copy; counts the download."""
    data = personal_copy(request=request)
    with transaction.atomic():
        DownloadRequest.objects.filter(pk=request.pk).update(
            download_count=F("download_count") + 1, last_download_at=timezone.now()
        )
        _tally(request.essay_id, "downloads")
        events.emit(
            "pdf.fetched",
            essay_id=request.essay_id,
            subject=request,
            first=request.download_count == 0,
        )
    return data


def download_attachment(mail: OutgoingMail) -> Attachment | None:
    """The personal copy of the request the mail was sent for, as its attachment (see
    mail.services.ATTACHMENT_BUILDERS). A mail queued by an older version also names the
    request by its id; the request points at its mail all the same."""
    request = DownloadRequest.objects.select_related("essay").filter(mail=mail).first()
    if request is None:
        return None
    data = personal_copy(request=request)
    if len(data) > settings.MAIL_ATTACHMENT_MAX_BYTES:
        return None
    return f"{request.essay.slug}.pdf", data, "application/pdf"
