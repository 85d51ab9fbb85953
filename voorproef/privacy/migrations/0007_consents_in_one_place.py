"""Every consent in one table.

Until now consent was kept three ways: newsletter consents as rows of downloads.Consent, the
consent to publish an experience in columns of inbox.ReaderMessage, and the consent to reply mail
in columns of comments.Comment. This moves each into privacy.Consent with its words, their
version, the time, the source and the withdrawal, pointing at the row it came with; and back.

Newsletter consents keep their numbers: the unsubscribe links in mail already sent name them.
A comment that was anonymised on erasure kept only the version of its consent text; it has no
address to keep a consent under and moves without one (going back, it has none either)."""

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

_BATCH = 1000


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _slugs(apps, page_ids):
    Page = apps.get_model("wagtailcore", "Page")
    return dict(Page.objects.filter(pk__in=set(page_ids)).values_list("pk", "slug"))


def _reset_sequence(schema_editor, model):
    """After rows were written with their own numbers (PostgreSQL's sequence does not see those)."""
    for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    Consent = apps.get_model("privacy", "Consent")
    OldConsent = apps.get_model("downloads", "Consent")
    ReaderMessage = apps.get_model("inbox", "ReaderMessage")
    Comment = apps.get_model("comments", "Comment")
    now = timezone.now()

    request_type = _content_type(apps, "downloads", "downloadrequest")
    newsletter = [
        Consent(
            id=old.id,
            email=old.reader.email,
            purpose=old.purpose,
            text=old.text,
            wording_id=old.wording_id,
            source=old.source,
            given_at=old.given_at,
            confirmed_at=old.confirmed_at,
            withdrawn_at=old.withdrawn_at,
            subject_type=request_type if old.download_request_id else None,
            subject_id=old.download_request_id,
        )
        for old in OldConsent.objects.select_related("reader").order_by("pk")
    ]
    Consent.objects.bulk_create(newsletter, batch_size=_BATCH)
    _reset_sequence(schema_editor, Consent)

    message_type = _content_type(apps, "inbox", "readermessage")
    messages = ReaderMessage.objects.exclude(
        consent="", consent_text="", consent_withdrawn_at__isnull=True
    ).order_by("pk")
    slugs = _slugs(apps, messages.values_list("essay_id", flat=True))
    Consent.objects.bulk_create(
        [
            Consent(
                email=message.email,
                purpose="publication",
                text=message.consent_text,
                wording_id=message.consent_wording_id,
                source=f"message form: {slugs.get(message.essay_id, '')}",
                given_at=message.created_at,
                withdrawn_at=message.consent_withdrawn_at,
                subject_type=message_type,
                subject_id=message.pk,
            )
            for message in messages
        ],
        batch_size=_BATCH,
    )

    comment_type = _content_type(apps, "comments", "comment")
    comments = (
        Comment.objects.exclude(email="")
        .exclude(notify_replies=False, notify_wording__isnull=True)
        .select_related("notify_wording")
        .order_by("pk")
    )
    slugs = _slugs(apps, comments.values_list("essay_id", flat=True))
    Consent.objects.bulk_create(
        [
            Consent(
                email=comment.email,
                purpose="replies",
                text=comment.notify_wording.text if comment.notify_wording else "",
                wording_id=comment.notify_wording_id,
                source=f"comment form: {slugs.get(comment.essay_id, '')}",
                given_at=comment.created_at,
                # Turned off before this migration, at a time not kept: by now, at the latest.
                withdrawn_at=None if comment.notify_replies else now,
                subject_type=comment_type,
                subject_id=comment.pk,
            )
            for comment in comments
        ],
        batch_size=_BATCH,
    )


def backward(apps, schema_editor):
    Consent = apps.get_model("privacy", "Consent")
    OldConsent = apps.get_model("downloads", "Consent")
    Reader = apps.get_model("downloads", "Reader")
    ReaderMessage = apps.get_model("inbox", "ReaderMessage")
    Comment = apps.get_model("comments", "Comment")
    request_type = _content_type(apps, "downloads", "downloadrequest")
    message_type = _content_type(apps, "inbox", "readermessage")
    comment_type = _content_type(apps, "comments", "comment")

    readers = {}
    old = []
    for consent in Consent.objects.filter(purpose="newsletter").order_by("pk"):
        key = consent.email.lower()
        if key not in readers:
            readers[key] = (
                Reader.objects.filter(email__iexact=consent.email).first()
                or Reader.objects.create(email=consent.email)
            )
        old.append(
            OldConsent(
                id=consent.id,
                reader=readers[key],
                purpose=consent.purpose,
                text=consent.text,
                wording_id=consent.wording_id,
                source=consent.source,
                given_at=consent.given_at,
                confirmed_at=consent.confirmed_at,
                withdrawn_at=consent.withdrawn_at,
                download_request_id=(
                    consent.subject_id if consent.subject_type_id == request_type.pk else None
                ),
            )
        )
    OldConsent.objects.bulk_create(old, batch_size=_BATCH)
    _reset_sequence(schema_editor, OldConsent)

    for consent in Consent.objects.filter(purpose="publication", subject_type=message_type):
        ReaderMessage.objects.filter(pk=consent.subject_id).update(
            consent_text=consent.text,
            consent_wording_id=consent.wording_id,
            consent_withdrawn_at=consent.withdrawn_at,
        )
    for consent in Consent.objects.filter(purpose="replies", subject_type=comment_type):
        Comment.objects.filter(pk=consent.subject_id).update(
            notify_replies=consent.withdrawn_at is None,
            notify_wording_id=consent.wording_id,
        )
    Consent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0006_consent_for_every_purpose"),
        ("downloads", "0003_reader_without_name"),
        ("inbox", "0002_readermessage_consent_wording"),
        ("comments", "0004_consent_to_reply_mail"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
