"""Fill `Record.amount` of the records already stored, from their current version's data.

Each item's amount field is the one its catalogue definition names now; records of items
without one stay NULL. A database whose policy is loaded after this migration gets the
amounts from that load (`xinyong policy load` refills the items whose amount field changed).

The fill reads and writes every record of those items in chunks, each committed on its own
(the migration is not atomic, and running it again is harmless): quick on a small database;
on a large production database, run it off-hours.
"""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from xinyong.records.amounts import fill_amounts

    items = apps.get_model("catalog", "CatalogItem").objects.values_list("pk", "definition")
    fields = {pk: key for pk, d in items if (key := (d or {}).get("amount_field"))}
    fill_amounts(apps.get_model("records", "Record"), fields)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalog", "0002_list_types_scenarios_measures"),
        ("records", "0006_record_amount"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
