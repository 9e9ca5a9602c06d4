"""Moving to grants keeps every user's access: each (organisation, role) pair becomes a grant."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0002_role_defaults")]
AFTER = [("core", "0005_grants_required")]


def state_apps(executor: MigrationExecutor, target: list[tuple[str, str]]):
    return executor.loader.project_state(target).apps


@pytest.fixture
def executor(transactional_db):
    """Migrates the test database to and fro; leaves it at the newest state whatever happens,
    so a failure here cannot break the tests that run after it in this worker."""
    migrations = MigrationExecutor(connection)
    yield migrations
    migrations.loader.build_graph()
    migrations.migrate(migrations.loader.graph.leaf_nodes())


def test_every_membership_becomes_one_grant_per_role_the_user_held(executor):
    executor.migrate(BEFORE)
    old = state_apps(executor, BEFORE)
    User, Group = old.get_model("auth", "User"), old.get_model("auth", "Group")
    Organisation = old.get_model("core", "Organisation")
    Membership = old.get_model("core", "Membership")
    planner, approver, viewer = (Group.objects.create(name=n) for n in ("P", "A", "V"))
    ministry = Organisation.objects.create(name="Ministry", path="/900/")
    department = Organisation.objects.create(name="Department", parent=ministry, path="/900/901/")
    two_roles = User.objects.create(username="two-roles")
    two_roles.groups.set([planner, approver])
    one_role = User.objects.create(username="one-role")
    one_role.groups.set([viewer])
    no_role = User.objects.create(username="no-role")
    for user, organisation in [
        (two_roles, department),
        (two_roles, ministry),
        (one_role, department),
        (no_role, ministry),
    ]:
        Membership.objects.create(user=user, organisation=organisation)

    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = state_apps(executor, AFTER)
    grants = {
        (g.user.username, g.organisation.name, g.role.name)
        for g in new.get_model("core", "Membership").objects.select_related(
            "user", "organisation", "role"
        )
    }
    assert grants == {
        ("two-roles", "Department", "P"),
        ("two-roles", "Department", "A"),
        ("two-roles", "Ministry", "P"),
        ("two-roles", "Ministry", "A"),
        ("one-role", "Department", "V"),
    }

    # And back: the groups are as they were, one membership per organisation.
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    back = state_apps(executor, BEFORE)
    memberships = {
        (m.user.username, m.organisation.name)
        for m in back.get_model("core", "Membership").objects.select_related("user", "organisation")
    }
    assert memberships == {
        ("two-roles", "Department"),
        ("two-roles", "Ministry"),
        ("one-role", "Department"),
    }
    users = back.get_model("auth", "User").objects
    assert {g.name for g in users.get(username="two-roles").groups.all()} == {"P", "A"}
