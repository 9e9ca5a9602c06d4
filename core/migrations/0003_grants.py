"""Grants: a role over an organisation subtree, replacing roles held everywhere.

Before, a user's roles (auth groups) applied in every organisation granted to them. Each
(membership, group) pair becomes one grant, so every user keeps exactly the access they had;
the groups themselves are left as they were (nothing reads them for permissions any more).
A membership of a user who held no role granted nothing and is removed; going back makes the
groups again from the grants.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def memberships_to_grants(apps, schema_editor):
    Membership = apps.get_model("core", "Membership")
    new = []
    for membership in Membership.objects.select_related("user").iterator():
        roles = list(membership.user.groups.all())
        if not roles:
            membership.delete()
            continue
        membership.role = roles[0]
        membership.save(update_fields=["role"])
        new += [
            Membership(user_id=membership.user_id, organisation_id=membership.organisation_id, role=role)
            for role in roles[1:]
        ]
    Membership.objects.bulk_create(new)


def grants_to_groups(apps, schema_editor):
    Membership = apps.get_model("core", "Membership")
    for grant in Membership.objects.select_related("user", "role").iterator():
        grant.user.groups.add(grant.role)
    seen = set()
    for grant in Membership.objects.order_by("pk"):
        key = (grant.user_id, grant.organisation_id)
        if key in seen:
            grant.delete()
        seen.add(key)


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
        migrations.RunPython(memberships_to_grants, grants_to_groups),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="grants",
                to="auth.group",
                verbose_name="role",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("user", "organisation", "role"), name="membership_unique_grant"
            ),
        ),
        migrations.AlterModelOptions(
            name="membership",
            options={"verbose_name": "grant", "verbose_name_plural": "grants"},
        ),
        migrations.AlterModelOptions(
            name="historicalmembership",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical grant",
                "verbose_name_plural": "historical grants",
            },
        ),
        migrations.AlterField(
            model_name="membership",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="core.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmembership",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmembership",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
    ]
