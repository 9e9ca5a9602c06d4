"""A tally state row for every existing organisation (new ones get theirs when created).

A writer marks an organisation's tallies stale by updating its row; with the row there, the
update waits on a recount that holds it instead of matching nothing.
"""

from django.db import migrations


def add_states(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    TallyState = apps.get_model("stats", "TallyState")
    TallyState.objects.bulk_create(
        [TallyState(organisation_id=pk) for pk in Organisation.objects.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("stats", "0005_deployment_tallies"),
    ]

    operations = [migrations.RunPython(add_states, migrations.RunPython.noop)]
