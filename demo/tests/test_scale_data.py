"""generate_scale_data: exactly the numbers asked for, the same data for the same seed."""

import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from core.models import Organisation
from deployments.models import Deployment, State
from people.models import MedicalClearance, Passport, Person, PersonLanguage


def generate(people=300, deployments=900, seed=42):
    out = io.StringIO()
    call_command(
        "generate_scale_data", people=people, deployments=deployments, seed=seed, stdout=out
    )
    return out.getvalue()


def ministry(run):
    return Organisation.objects.get(name=f"Scale Test Ministry {run}")


def snapshot(run):
    """Everything a run made, without its run-specific labels (names of trees, numbers)."""
    path = ministry(run).path
    people = list(
        Person.objects.filter(organisation__path__startswith=path)
        .order_by("service_number")
        .values_list(
            "service_number", "full_name", "sex", "date_of_birth", "rank__name", "specialty__code"
        )
    )
    deployments = list(
        Deployment.objects.filter(person__organisation__path__startswith=path)
        .order_by("person__service_number", "starts_on")
        .values_list(
            "person__service_number",
            "starts_on",
            "ends_on",
            "state",
            "position__role",
            "position__rotation__mission__code",
        )
    )
    return people, deployments


def test_it_makes_exactly_the_people_and_deployments_asked_for(db):
    out = generate(people=300, deployments=900)
    path = ministry(1).path
    assert Person.objects.filter(organisation__path__startswith=path).count() == 300
    mine = Deployment.objects.filter(person__organisation__path__startswith=path)
    assert mine.count() == 900
    for model in (Passport, MedicalClearance, PersonLanguage):
        assert model.objects.filter(person__organisation__path__startswith=path).count() == 300
    assert mine.filter(state=State.REPATRIATED).count() > 0.9 * 900
    assert "900 deployments" in out


def test_it_copes_with_years_in_which_nobody_deploys(db):
    generate(people=10, deployments=20)
    assert Deployment.objects.count() == 20
    assert Person.objects.count() == 10


def test_no_scale_person_is_in_two_overlapping_deployments(db):
    generate(people=120, deployments=1000, seed=3)
    periods = defaultdict(list)
    for deployment in Deployment.objects.select_related("position__rotation"):
        rotation = deployment.position.rotation
        assert rotation.starts_on <= deployment.starts_on <= deployment.effective_end
        assert deployment.effective_end <= rotation.ends_on
        periods[deployment.person_id].append((deployment.starts_on, deployment.effective_end))
    for tours in periods.values():
        tours.sort()
        for (_start, end), (next_start, _end) in zip(tours, tours[1:], strict=False):
            assert next_start > end
    filled = Deployment.objects.exclude(state=State.WITHDRAWN).values_list("position", flat=True)
    assert len(filled) == len(set(filled))


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    generate(seed=42)
    generate(seed=42)
    generate(seed=43)
    assert snapshot(1) == snapshot(2)
    assert snapshot(1)[0] != snapshot(3)[0]
    assert Person.objects.count() == 900


def test_it_refuses_more_deployments_than_the_people_can_serve_and_adds_nothing(db):
    with pytest.raises(CommandError, match="need at least"):
        generate(people=2, deployments=1000)
    assert not Organisation.objects.filter(name__startswith="Scale Test Ministry").exists()
    assert not Person.objects.exists()
