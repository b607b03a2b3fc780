from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_cache_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("job", models.CharField(max_length=100, verbose_name="任务")),
                ("day", models.DateField(verbose_name="日期")),
                ("started_at", models.DateTimeField(verbose_name="开始时间")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="结束时间"),
                ),
                ("outcome", models.JSONField(blank=True, default=dict, verbose_name="结果")),
                ("error", models.TextField(blank=True, verbose_name="错误")),
            ],
            options={
                "verbose_name": "每日任务",
                "verbose_name_plural": "每日任务",
                "ordering": ["-day", "job"],
                "constraints": [
                    models.UniqueConstraint(fields=("job", "day"), name="daily_run_once")
                ],
            },
        ),
    ]
