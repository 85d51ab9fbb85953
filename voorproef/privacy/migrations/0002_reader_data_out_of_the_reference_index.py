"""Wagtail's reference index listed readers' rows (requests, consents, comments, messages, mail)
as usages of the essay they belong to; those models are now outside it (core.models.NotContent).
Their rows already in it go."""

from django.db import migrations

READER_DATA = {
    "comments": ["comment"],
    "downloads": ["downloadrequest", "consent", "essaypdf", "reader"],
    "inbox": ["readermessage", "messagereply"],
    "privacy": ["datarequest", "accesslink"],
    "mail": ["outgoingmail"],
}


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    for app_label, models in READER_DATA.items():
        types = ContentType.objects.filter(app_label=app_label, model__in=models)
        ReferenceIndex.objects.filter(content_type__in=types).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
