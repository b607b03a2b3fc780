"""Create the database cache table of `settings.CACHES` (the rate limits' shared counters).

`migrate` is the one step every instance runs (`make demo`, `xinyong serve` deployments, CI),
so the table exists wherever the cache is a database one; `createcachetable` skips tables
that exist and does nothing for a Redis cache. Reversing leaves the table alone: a cache
holds nothing that a migration should remove.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_calendar")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
