"""Scoping: a user sees the organisations granted to them and everything below, nothing else."""

from core import testing
from core.models import Organisation
from people.models import Person


def test_it_shows_people_of_granted_organisation_and_below(mod, mps, planner):
    inside = testing.person(mod["hospital"], "Trần Thị Mai")
    testing.person(mps["police"], "Lê Văn Công")
    assert list(Person.objects.restrict(planner, "view")) == [inside]


def test_it_hides_everything_from_a_user_without_the_permission(mod, planner):
    testing.person(mod["hospital"])
    # A planner may view people but not change them.
    assert Person.objects.restrict(planner, "change").count() == 0


def test_it_hides_everything_from_anonymous_users(mod):
    from django.contrib.auth.models import AnonymousUser

    testing.person(mod["hospital"])
    assert Person.objects.restrict(AnonymousUser(), "view").count() == 0


def test_it_moves_a_branch_with_its_descendants(mod, mps):
    mod["department"].parent = mps["ministry"]
    mod["department"].save()
    hospital = Organisation.objects.get(pk=mod["hospital"].pk)
    assert hospital.path.startswith(mps["ministry"].path)


def test_superusers_see_every_organisation(mod, mps, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert Organisation.objects.restrict(root).count() == 5


def test_a_new_default_permission_reaches_an_existing_role_once(db):
    from django.contrib.auth.models import Group, Permission

    from core.models import RoleDefault
    from core.roles import VIEWER, ensure_roles

    ensure_roles()
    viewers = Group.objects.get(name=VIEWER)
    view_person = Permission.objects.get(codename="view_person")
    # An administrator takes a permission away: a later migration must not put it back.
    viewers.permissions.remove(view_person)
    ensure_roles()
    assert not viewers.permissions.filter(pk=view_person.pk).exists()
    # A permission the role was never offered (as after an upgrade) is added.
    view_mission = Permission.objects.get(codename="view_mission")
    RoleDefault.objects.filter(group=viewers, permission=view_mission).delete()
    viewers.permissions.remove(view_mission)
    ensure_roles()
    assert viewers.permissions.filter(pk=view_mission.pk).exists()
