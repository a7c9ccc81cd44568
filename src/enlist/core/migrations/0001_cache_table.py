"""The shared cache table (settings.CACHES: the database backend), made by `migrate`.

Rate limits and counters live there so that every server process, on every machine, counts
together. `createcachetable` does nothing when the table exists or Redis is configured.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    table = schema_editor.connection.ops.quote_name(settings.ENLIST_CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
