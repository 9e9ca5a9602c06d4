"""The user admin gives only what the administrator holds, to the users of their ministry.

An administrator of the Ministry of Public Security (police), not a superuser, holding one
grant: the Administrator role over the ministry. A grant (core.Membership) is a role over an
organisation and everything below it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from core import roles, testing
from core.admin import grant_error
from core.tests.admin_records import form_data


@pytest.fixture
def police_admin(mps):
    return testing.user("police-admin", roles.ADMINISTRATOR, mps["ministry"], is_staff=True)


@pytest.fixture
def police_viewer(mps):
    return testing.user("police-viewer", roles.VIEWER, mps["police"])


@pytest.fixture
def defence_viewer(mod):
    return testing.user("defence-viewer", roles.VIEWER, mod["hospital"])


def page(user, suffix="change/"):
    return f"/admin/auth/user/{user.pk}/{suffix}"


def edited(client, user, **changes):
    """Post `user`'s change page back as loaded, with `changes` on top."""
    return client.post(page(user), form_data(client.get(page(user))) | changes)


def role(name):
    return Group.objects.get(name=name)


def new_grant(client, user, organisation, role_name):
    """Post `user`'s change page back with one grant more."""
    values = form_data(client.get(page(user)))
    row = int(values["memberships-TOTAL_FORMS"]) - 1  # the empty row the page offers
    return client.post(page(user), values | {
        f"memberships-{row}-user": str(user.pk),
        f"memberships-{row}-organisation": str(organisation.pk),
        f"memberships-{row}-role": str(role(role_name).pk),
    })  # fmt: skip


def grants(user):
    return set(user.memberships.values_list("organisation__short_name", "role__name"))


def test_an_administrator_cannot_make_themselves_superuser_or_staff(client, police_admin):
    client.force_login(police_admin)

    response = edited(client, police_admin, is_superuser="on", first_name="Hoa")

    assert response.status_code == 302
    police_admin.refresh_from_db()
    assert police_admin.first_name == "Hoa"  # the save went through, without the flag
    assert not police_admin.is_superuser


def test_an_administrator_cannot_make_another_user_staff_or_superuser(
    client, police_admin, police_viewer
):
    client.force_login(police_admin)

    response = edited(client, police_viewer, is_staff="on", is_superuser="on")

    assert response.status_code == 302
    police_viewer.refresh_from_db()
    assert not police_viewer.is_staff and not police_viewer.is_superuser
    form = client.get(page(police_viewer)).context["adminform"].form
    assert {"is_staff", "is_superuser", "groups", "user_permissions"}.isdisjoint(form.fields)


def test_an_administrator_cannot_change_their_own_grants(client, police_admin, mps):
    client.force_login(police_admin)
    values = form_data(client.get(page(police_admin)))

    client.post(page(police_admin), values | {
        "memberships-TOTAL_FORMS": "2",
        "memberships-1-user": str(police_admin.pk),
        "memberships-1-organisation": str(mps["ministry"].pk),
        "memberships-1-role": str(role(roles.APPROVER).pk),
    })  # fmt: skip

    assert grants(police_admin) == {("MPS", roles.ADMINISTRATOR)}


def test_an_administrator_cannot_see_the_users_of_the_other_ministry(
    client, police_admin, police_viewer, defence_viewer
):
    client.force_login(police_admin)

    listing = client.get("/admin/auth/user/")
    shown = set(listing.context["cl"].queryset)
    opened = client.get(page(defence_viewer))
    password = client.get(page(defence_viewer, "password/"))

    assert shown == {police_admin, police_viewer}
    assert opened.status_code == 302 and opened["Location"] == "/admin/"
    assert password.status_code == 404


def test_an_administrator_cannot_grant_the_other_ministry(
    client, police_admin, police_viewer, mod, mps
):
    client.force_login(police_admin)

    refused = new_grant(client, police_viewer, mod["hospital"], roles.VIEWER)
    granted = new_grant(client, police_viewer, mps["ministry"], roles.VIEWER)

    assert refused.status_code == 200
    assert granted.status_code == 302
    assert grants(police_viewer) == {("PPU", roles.VIEWER), ("MPS", roles.VIEWER)}


def test_the_grants_offer_only_the_administrators_organisations_and_roles(
    client, police_admin, police_viewer, mps
):
    client.force_login(police_admin)

    formset = client.get(page(police_viewer)).context["inline_admin_formsets"][0].formset
    fields = formset.empty_form.fields

    assert set(fields["organisation"].queryset) == {mps["ministry"], mps["police"]}
    offered = {group.name for group in fields["role"].queryset}
    assert roles.ADMINISTRATOR in offered and roles.VIEWER in offered
    assert roles.APPROVER not in offered  # approving deployments is not the administrator's


def test_a_grant_is_decided_on_the_server_whatever_the_choices(police_admin, mod, mps):
    assert grant_error(police_admin, mps["police"], role(roles.PERSONNEL_OFFICER)) is None
    assert grant_error(police_admin, mod["hospital"], role(roles.VIEWER))
    assert grant_error(police_admin, mps["police"], role(roles.APPROVER))


def test_an_administrator_cannot_take_away_a_users_last_grant(client, police_admin, police_viewer):
    client.force_login(police_admin)

    response = edited(client, police_viewer, **{"memberships-0-DELETE": "on"})

    assert response.status_code == 200
    assert police_viewer.memberships.count() == 1


def test_an_administrator_gives_only_roles_whose_permissions_they_hold(
    client, police_admin, police_viewer, mps
):
    client.force_login(police_admin)

    refused = new_grant(client, police_viewer, mps["police"], roles.APPROVER)
    given = new_grant(client, police_viewer, mps["police"], roles.PERSONNEL_OFFICER)

    assert refused.status_code == 200
    assert given.status_code == 302
    assert grants(police_viewer) == {("PPU", roles.VIEWER), ("PPU", roles.PERSONNEL_OFFICER)}


def test_an_administrator_gives_a_role_only_where_they_hold_it(client, police_admin, mps):
    """Approver of the unit only: offered the role, but not over the whole ministry."""
    testing.grant(police_admin, roles.APPROVER, mps["police"])
    colleague = testing.user("colleague", roles.VIEWER, mps["ministry"])
    client.force_login(police_admin)

    refused = new_grant(client, colleague, mps["ministry"], roles.APPROVER)
    given = new_grant(client, colleague, mps["police"], roles.APPROVER)

    assert refused.status_code == 200
    assert "permissions you do not hold there" in refused.content.decode()
    assert given.status_code == 302
    assert grants(colleague) == {("MPS", roles.VIEWER), ("PPU", roles.APPROVER)}


def test_an_administrator_of_a_unit_manages_the_users_of_that_unit_only(client, mps):
    """Viewer of the whole ministry, Administrator of the unit: users are the unit's business."""
    unit_admin = testing.user("unit-admin", roles.ADMINISTRATOR, mps["police"], is_staff=True)
    testing.grant(unit_admin, roles.VIEWER, mps["ministry"])
    unit_user = testing.user("unit-user", roles.VIEWER, mps["police"])
    ministry_user = testing.user("ministry-user", roles.VIEWER, mps["ministry"])
    client.force_login(unit_admin)

    shown = set(client.get("/admin/auth/user/").context["cl"].queryset)
    widened = new_grant(client, unit_user, mps["ministry"], roles.VIEWER)

    assert unit_user in shown and ministry_user not in shown
    assert widened.status_code == 200
    assert grants(unit_user) == {("PPU", roles.VIEWER)}


def test_a_user_holding_a_role_the_administrator_lacks_is_read_not_changed(
    client, police_admin, mps
):
    """Setting the password of an approver would be taking the approver's power."""
    approver = testing.user("police-approver", roles.APPROVER, mps["police"])
    client.force_login(police_admin)

    opened = client.get(page(approver))
    changed = client.post(page(approver, "password/"), {
        "password1": "taken-over-42!", "password2": "taken-over-42!", "usable_password": "true",
    })  # fmt: skip

    assert opened.status_code == 200
    assert changed.status_code == 403
    assert User.objects.get(pk=approver.pk).check_password("pass-word-42")


def test_an_administrator_sets_the_password_of_a_user_holding_no_more_than_they_do(
    client, police_admin, mps
):
    colleague = testing.user("colleague", roles.ADMINISTRATOR, mps["police"])
    client.force_login(police_admin)

    changed = client.post(page(colleague, "password/"), {
        "password1": "new-pass-word-42!", "password2": "new-pass-word-42!",
        "usable_password": "true",
    })  # fmt: skip

    assert changed.status_code == 302
    assert User.objects.get(pk=colleague.pk).check_password("new-pass-word-42!")


def test_a_new_user_gets_a_grant_inside_the_administrators_organisations(
    client, police_admin, mod, mps
):
    police_admin.user_permissions.add(Permission.objects.get(codename="add_user"))
    client.force_login(police_admin)
    values = {
        "username": "newcomer",
        "usable_password": "true",
        "password1": "fresh-pass-word-42!",
        "password2": "fresh-pass-word-42!",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
    }
    grant = {"memberships-0-role": str(role(roles.VIEWER).pk)}

    without = client.post("/admin/auth/user/add/", values)
    elsewhere = client.post("/admin/auth/user/add/", values | grant | {
        "memberships-0-organisation": str(mod["hospital"].pk),
    })  # fmt: skip
    inside = client.post("/admin/auth/user/add/", values | grant | {
        "memberships-0-organisation": str(mps["police"].pk),
    })  # fmt: skip

    assert without.status_code == 200 and elsewhere.status_code == 200
    assert inside.status_code == 302
    assert grants(User.objects.get(username="newcomer")) == {("PPU", roles.VIEWER)}


def test_a_superuser_and_a_user_without_grants_stay_with_superusers(client, police_admin, mps):
    root = testing.user(
        "root", roles.ADMINISTRATOR, mps["police"], is_superuser=True, is_staff=True
    )
    newcomer = User.objects.create_user("newcomer")
    client.force_login(police_admin)

    shown = set(client.get("/admin/auth/user/").context["cl"].queryset)
    root_page = client.post(page(root, "password/"), {"password1": "x", "password2": "x"})

    assert root not in shown and newcomer not in shown
    assert root_page.status_code == 404
    client.force_login(root)
    assert newcomer in set(client.get("/admin/auth/user/").context["cl"].queryset)


def test_a_role_is_not_changed_by_an_administrator_even_given_the_permission(client, police_admin):
    police_admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")
    )
    role = Group.objects.get(name=roles.VIEWER)
    before = set(role.permissions.all())
    client.force_login(police_admin)

    opened = client.get(f"/admin/auth/group/{role.pk}/change/")
    changed = client.post(
        f"/admin/auth/group/{role.pk}/change/",
        {"name": role.name, "permissions": [p.pk for p in Permission.objects.all()]},
    )
    added = client.post("/admin/auth/group/add/", {"name": "Everything"})

    assert opened.status_code == 200  # read, as the role's description
    assert changed.status_code == 403 and added.status_code == 403
    assert set(role.permissions.all()) == before
    assert not Group.objects.filter(name="Everything").exists()
