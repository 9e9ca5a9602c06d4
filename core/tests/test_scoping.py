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
