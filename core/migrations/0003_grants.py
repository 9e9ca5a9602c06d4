"""Grants, step 1 of 3: memberships get a role, empty until step 2 fills it.

Three migrations, not one: on PostgreSQL a table whose rows were just written in the same
transaction cannot be altered ("pending trigger events"), so the data moves in its own step.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0002_role_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="membership", name="membership_unique"),
        migrations.AddField(
            model_name="membership",
            name="role",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="grants",
                to="auth.group",
                verbose_name="role",
            ),
        ),
        migrations.AddField(
            model_name="historicalmembership",
            name="role",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="auth.group",
                verbose_name="role",
            ),
        ),
    ]
