"""The gate's share of a reader's data: their requests for an essay and their newsletter
consents (registered in apps.py; see voorproef/core/personal_data.py)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from voorproef.core.personal_data import Copy, Erasure, PersonalData, Withdrawal, traces_clear
from voorproef.mail.models import OutgoingMail
from voorproef.privacy.models import Consent

from .models import DownloadRequest, Reader

_VOID = "void:"


def _requests_find(email: str) -> list[DownloadRequest]:
    return list(
        DownloadRequest.objects.filter(reader__email__iexact=email)
        .select_related("essay")
        .order_by("created_at")
    )


def _request_export(r: DownloadRequest, copy: Copy) -> dict[str, Any]:
    return {
        "essay": r.essay.title,
        "name": r.name,
        "requested_at": copy.when(r.created_at),
        "delivery": copy.shown(r, "mode"),
        "address_confirmed_at": copy.when(r.confirmed_at),
        "link_valid_until": copy.when(r.expires_at),
        "downloads": r.download_count,
        "last_download_at": copy.when(r.last_download_at),
        "network": r.ip_network,
        "browser": r.user_agent,
    }


def _requests_erase(erasure: Erasure) -> None:
    requests = DownloadRequest.objects.filter(reader__email__iexact=erasure.email)
    erasure.summary["download_requests"] = requests.count()
    requests.delete()  # and the consents given with them
    Reader.objects.filter(email__iexact=erasure.email).delete()


def _newsletter_consents(email: str) -> Any:
    return Consent.objects.filter(email__iexact=email, purpose=Consent.Purpose.NEWSLETTER)


def _consents_find(email: str) -> list[Consent]:
    return list(_newsletter_consents(email).select_related("wording").order_by("given_at"))


def _consent_export(c: Consent, copy: Copy) -> dict[str, Any]:
    return {
        "purpose": copy.shown(c, "purpose"),
        "text": c.text,
        "text_version": c.wording.version if c.wording else None,
        "source": c.source,
        "given_at": copy.when(c.given_at),
        "confirmed_at": copy.when(c.confirmed_at),
        "withdrawn_at": copy.when(c.withdrawn_at),
    }


def _consents_erase(erasure: Erasure) -> None:
    # Counted as found: most went with their requests just now.
    erasure.summary["consents"] = len(erasure.found["consents"])
    _newsletter_consents(erasure.email).delete()


def _newsletter_active(consents: list[Consent]) -> bool:
    return any(c.withdrawn_at is None for c in consents)


def _newsletter_withdraw(consents: list[Consent], post: Mapping[str, str]) -> int:
    """No more newsletter for this address: every newsletter consent ends now."""
    from .services import newsletter_withdraw

    return newsletter_withdraw(Consent.objects.filter(pk__in=[c.pk for c in consents]))


# -- retention ------------------------------------------------------------------------------------


def _unconfirmed_delete() -> int:
    """Double opt-in never completed: nobody agreed to anything. The request goes with its
    consents and the mail that asked for the click; a newsletter consent never confirmed goes
    too (its download stays); and a reader with nothing left goes with their name and address.
    Counts the requests and consents deleted."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_UNCONFIRMED_DAYS)
    with transaction.atomic():
        requests = DownloadRequest.objects.filter(
            mode=DownloadRequest.Mode.CONFIRM, confirmed_at__isnull=True, created_at__lt=cutoff
        )
        consents = Consent.objects.filter(purpose=Consent.Purpose.NEWSLETTER).filter(
            Q(
                subject_type=ContentType.objects.get_for_model(DownloadRequest),
                subject_id__in=requests.values("pk"),
            )
            | Q(confirmed_at__isnull=True, given_at__lt=cutoff)
        )
        mail_ids = set(requests.exclude(mail=None).values_list("mail", flat=True))
        # A download kept without its newsletter consent: its newsletter link now leads nowhere.
        DownloadRequest.objects.filter(consents__in=consents).update(newsletter_token_hash=None)
        readers = set(requests.values_list("reader", flat=True))
        deleted = consents.delete()[1].get("privacy.Consent", 0)
        deleted += requests.delete()[1].get("downloads.DownloadRequest", 0)
        OutgoingMail.objects.filter(pk__in=mail_ids).exclude(
            status=OutgoingMail.Status.SENDING
        ).delete()
        Reader.objects.filter(pk__in=readers, requests=None).delete()
    return int(deleted)


def _expired_links_invalidate() -> int:
    """A personal link stops meaning anything some time after it expired (until then it
    leads to the page that offers a fresh one): its stored hash is replaced by the hash of a
    token nobody holds."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_NETWORK_DAYS)
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


REQUESTS = PersonalData(
    kind="download_requests",
    position=10,
    file_name=_("requests"),
    columns={
        "essay": _("essay"),
        "name": _("name"),
        "requested_at": _("requested at"),
        "delivery": _("delivery"),
        "address_confirmed_at": _("address confirmed at"),
        "link_valid_until": _("link valid until"),
        "downloads": _("downloads"),
        "last_download_at": _("last downloaded at"),
        "network": _("network"),
        "browser": _("browser"),
    },
    find=_requests_find,
    export=_request_export,
    count_label=ngettext_lazy("%(n)s request for an essay", "%(n)s requests for an essay", "n"),
    erase=_requests_erase,
    receipt={
        "download_requests": ngettext_lazy(
            "%(n)s request for an essay deleted", "%(n)s requests for an essay deleted", "n"
        )
    },
    overview_template="downloads/privacy/requests.html",
    mail_ids=lambda email: (
        DownloadRequest.objects.filter(reader__email__iexact=email)
        .exclude(mail=None)
        .values("mail")
    ),
    retention=[
        ("networks_cleared", traces_clear(DownloadRequest)),
        ("unconfirmed_deleted", _unconfirmed_delete),
        ("expired_links_invalidated", _expired_links_invalidate),
    ],
)

CONSENTS = PersonalData(
    kind="consents",
    position=20,
    file_name=_("consents"),
    columns={
        "purpose": _("purpose"),
        "text": _("text"),
        "text_version": _("version of the text"),
        "source": _("source"),
        "given_at": _("given at"),
        "confirmed_at": _("confirmed at"),
        "withdrawn_at": _("withdrawn at"),
    },
    find=_consents_find,
    export=_consent_export,
    count_label=ngettext_lazy("%(n)s consent", "%(n)s consents", "n"),
    erase=_consents_erase,
    receipt={"consents": ngettext_lazy("%(n)s consent deleted", "%(n)s consents deleted", "n")},
    overview_template="downloads/privacy/consents.html",
    overview_context=lambda consents, email: {"newsletter_active": _newsletter_active(consents)},
    withdrawals=[
        Withdrawal(
            action="newsletter",
            done="nieuwsbrief",
            logged_as="newsletter",
            message=_("Done: you will get no more mail about new essays."),
            run=_newsletter_withdraw,
        )
    ],
)
