"""Grants, step 2 of 3: a role over an organisation subtree, replacing roles held everywhere.

Before, a user's roles (auth groups) applied in every organisation granted to them. Each
(membership, group) pair becomes one grant, so every user keeps exactly the access they had;
the groups themselves are left as they were (nothing reads them for permissions any more).
A membership of a user who held no role granted nothing and is removed; going back makes the
groups again from the grants.
"""

from django.db import migrations


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

    dependencies = [("core", "0003_grants")]

    operations = [migrations.RunPython(memberships_to_grants, grants_to_groups)]
