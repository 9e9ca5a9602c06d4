"""Seed the countries and the UN's other spellings of their names (editable afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from stats.country_names import COUNTRIES

    Country = apps.get_model("stats", "Country")
    for iso3, name, aliases in COUNTRIES:
        Country.objects.update_or_create(iso3=iso3, defaults={"name": name, "aliases": aliases})


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
