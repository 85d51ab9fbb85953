import hashlib

import django.db.models.deletion
from django.db import migrations, models


def wordings_record(apps, schema_editor):
    """Consents given before texts were versioned point at a version of their own words."""
    Consent = apps.get_model("downloads", "Consent")
    ConsentWording = apps.get_model("privacy", "ConsentWording")
    versions: dict[str, object] = {}
    for consent in Consent.objects.order_by("given_at", "pk"):
        digest = hashlib.sha256(consent.text.encode()).hexdigest()
        if digest not in versions:
            versions[digest] = ConsentWording.objects.create(
                purpose=consent.purpose,
                version=len(versions) + 1,
                text=consent.text,
                digest=digest,
                first_shown_at=consent.given_at,
            )
        consent.wording = versions[digest]
        consent.save(update_fields=["wording"])


class Migration(migrations.Migration):
    dependencies = [
        ("downloads", "0001_initial"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="wording",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="privacy.consentwording",
                verbose_name="text version",
            ),
        ),
        migrations.RunPython(wordings_record, migrations.RunPython.noop),
        migrations.RemoveField(model_name="consent", name="version"),
    ]
