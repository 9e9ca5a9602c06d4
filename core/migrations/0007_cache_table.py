"""The shared cache's table (CACHES in the settings): every app server reads the same cache.

Made here rather than by `manage.py createcachetable`, so that the one command that sets up
a database (migrate) leaves nothing to do by hand.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "blueberet_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_access_log")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
