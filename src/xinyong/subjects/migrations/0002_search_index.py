"""The subject search index: `subjects_search` kept by triggers on `subjects_subject` (FTS5 on
SQLite; tsvector + GIN and pg_trgm on PostgreSQL), filled from the subjects already stored,
and the index by which a natural person is found by exact name within a district.

The SQL comes from `subjects.services.search_index`, so the index and the queries agree on the
search key; on PostgreSQL the traditional → simplified table is compiled into the key function
from the `opencc` version installed when this runs (pinned in constraints.txt).
"""

from typing import Any

from django.db import migrations, models

from xinyong.subjects.services import search_index


def create(apps: Any, schema_editor: Any) -> None:
    search_index.create_index(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    search_index.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_calendar"),
        ("subjects", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="subject",
            index=models.Index(
                condition=models.Q(("kind", "natural_person")),
                fields=["name", "district"],
                name="subject_person_name_idx",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
