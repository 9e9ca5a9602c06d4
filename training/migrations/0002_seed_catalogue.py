"""A small real course catalogue and the assessment rules (see training/catalogue.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from training.catalogue import seed as seed_catalogue

    seed_catalogue(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
