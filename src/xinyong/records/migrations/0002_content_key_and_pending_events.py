from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="content_key",
            field=models.BigIntegerField(
                db_index=True,
                default=0,
                help_text="64 bits of SHA-256 over (organisation, item, current content hash): finds the record an unchanged row repeats without linking its subject again.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="record",
            name="content_check",
            field=models.BigIntegerField(
                default=0,
                help_text="The next 64 bits of the same digest: with content_key, tells whether a row repeats the current version without reading the version.",
            ),
            preserve_default=False,
        ),
        migrations.RemoveIndex(
            model_name="recordevent",
            name="event_pending_idx",
        ),
        migrations.AddIndex(
            model_name="recordevent",
            index=models.Index(
                condition=models.Q(("processed_at__isnull", True)),
                fields=["id"],
                name="event_pending_idx",
            ),
        ),
    ]
