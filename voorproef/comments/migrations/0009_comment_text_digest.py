import hashlib

from django.db import migrations, models


def digests_fill(apps, schema_editor):
    """Every stored comment's digest, in batches (a discussion may hold many thousands)."""
    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "text").iterator(chunk_size=2000):
        comment.text_digest = hashlib.blake2b(comment.text.encode(), digest_size=16).hexdigest()
        batch.append(comment)
        if len(batch) == 2000:
            Comment.objects.bulk_update(batch, ["text_digest"])
            batch = []
    Comment.objects.bulk_update(batch, ["text_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_comment_index_by_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="text_digest",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.RunPython(digests_fill, migrations.RunPython.noop, elidable=True),
        # A duplicate is found by its digest (comment_create); the index on the author's name
        # served only that.
        migrations.RemoveIndex(
            model_name="comment",
            name="comments_co_name_463c70_idx",
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["text_digest", "essay"], name="comments_co_text_di_8f8ec6_idx"
            ),
        ),
    ]
