"""The privacy statement is written once, with a site's first home page; a site that has one
already had it written."""

from django.db import migrations, models
from django.utils import timezone


def forwards(apps, schema_editor):
    PrivacyPage = apps.get_model("privacy", "PrivacyPage")
    PrivacySettings = apps.get_model("privacy", "PrivacySettings")
    if PrivacyPage.objects.exists():
        row = PrivacySettings.objects.first() or PrivacySettings()
        row.statement_written_at = timezone.now()
        row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_impersonal_action_log_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="privacysettings",
            name="statement_written_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
