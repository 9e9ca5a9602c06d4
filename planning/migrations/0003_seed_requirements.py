"""The UN's published minimums as requirements (see planning/seed.py for each source)."""

from django.db import migrations


def seed(apps, schema_editor):
    from planning.seed import seed as seed_requirements

    seed_requirements(apps, schema_editor)


def unseed(apps, schema_editor):
    from planning.seed import unseed as unseed_requirements

    unseed_requirements(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_historicalwaiver_waiver"),
        # The course catalogue: the core pre-deployment course is looked up by its code (and
        # made here if the catalogue lacks it), so the order of the two apps' work is free.
        ("training", "0002_seed_catalogue"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
