"""Wagtail's action log kept each reader's row under its title (a name with the text, or an
address), and the log is neither exported nor erased with a reader's data. The titles are now
impersonal ("comment #12"); the labels already logged become so too."""

from django.conf import settings
from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import translation
from django.utils.translation import gettext

LABELS = {
    ("comments", "comment"): "comment #%(number)s",
    ("downloads", "reader"): "reader #%(number)s",
    ("downloads", "downloadrequest"): "download request #%(number)s",
    ("downloads", "consent"): "consent #%(number)s",
    ("inbox", "readermessage"): "message #%(number)s",
    ("inbox", "messagereply"): "reply #%(number)s",
    ("mail", "outgoingmail"): "mail #%(number)s",
}


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    with translation.override(settings.LANGUAGE_CODE):
        for (app_label, model), label in LABELS.items():
            kind = ContentType.objects.filter(app_label=app_label, model=model).first()
            if kind is None:
                continue
            before, after = gettext(label).split("%(number)s")
            ModelLogEntry.objects.filter(content_type=kind).update(
                label=Concat(Value(before), F("object_id"), Value(after))
            )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_reader_data_out_of_the_reference_index"),
        ("comments", "0002_alter_comment_email"),
        ("downloads", "0002_consent_wording"),
        ("inbox", "0002_readermessage_consent_wording"),
        ("mail", "0001_initial"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
