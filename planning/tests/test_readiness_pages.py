"""The readiness of a rotation and of a person against any position: what they show, to whom,
and at what cost.
"""

import datetime
import re

import pytest

from core import testing
from deployments import workflow
from people.models import MedicalClearance
from planning.models import Requirement
from planning.testing import make_ready
from planning.tests.conftest import DEPARTS, RETURNS

pytestmark = pytest.mark.usefixtures("no_requirements")


@pytest.fixture
def medical_and_passport(db):
    Requirement.objects.create(kind="medical", source="UN medical manual")
    Requirement.objects.create(kind="passport", margin_months=6, source="UN travel")


def rotation_of(organisation, size, number=1):
    kind = testing.unit_type(f"unit-{size}", positions=size, name=f"Unit of {size}")
    return testing.rotation(
        organisation,
        number=number,
        unit_type=kind,
        planned_departure=DEPARTS,
        planned_return=RETURNS,
        target_strength=size,
    )


def fill(rotation, ready_every=2, medical_lapses=True):
    """Nominate a person to every position; every `ready_every`th is ready, the others'
    medical clearance lapses a day before the end.
    """
    people = []
    for index, position in enumerate(rotation.positions.order_by("number")):
        person = testing.person(rotation.organisation, f"Quân nhân {index:02d}")
        if index % ready_every == 0:
            make_ready(person, until=RETURNS)
        elif medical_lapses:
            MedicalClearance.objects.create(
                person=person,
                examined_on=datetime.date(2026, 1, 5),
                result="fit",
                valid_until=RETURNS - datetime.timedelta(days=1),
            )
        workflow.nominate(person, position, by=None)
        people.append(person)
    return people


def readiness_page(client, rotation):
    response = client.get(f"/planning/rotations/{rotation.pk}/readiness/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_each_position_ready_or_why_not_and_counts_the_reasons(
    client, planner, mod, medical_and_passport
):
    rotation = rotation_of(mod["hospital"], 5)
    people = fill(rotation)
    client.force_login(planner)

    text = readiness_page(client, rotation)

    assert re.search(r'data-testid="ready-count">3 <span class="fs-6">\(60.0%\)', text)
    assert 'data-testid="level">Level 2 indicator<' in text
    assert "2 people need a medical check" in text
    assert "2 people need a passport valid long enough" in text
    assert "Medical clearance ends 2026-09-29, before the deployment ends on 2026-09-30" in text
    assert text.count('data-status="ready"') == 3
    assert people[1].full_name in text
    assert "UN's readiness levels (PCRS)" in text


def test_a_gap_is_neither_ready_nor_counted(client, planner, mod, medical_and_passport):
    rotation = rotation_of(mod["hospital"], 2)
    first = rotation.positions.get(number=1)
    workflow.nominate(make_ready(testing.person(mod["hospital"]), RETURNS), first, by=None)
    client.force_login(planner)

    text = readiness_page(client, rotation)

    assert 'data-status="gap"' in text
    assert 'data-testid="ready-count">1 <span class="fs-6">(50.0%)' in text
    assert "Nothing: every holder is ready." in text


def test_a_holder_from_outside_the_users_scope_counts_but_is_not_named(
    client, planner, mod, mps, medical_and_passport
):
    rotation = rotation_of(mod["hospital"], 1)
    stranger = testing.person(mps["police"], "Người Ngoài")
    workflow.nominate(stranger, rotation.positions.get(), by=None)
    client.force_login(planner)

    text = readiness_page(client, rotation)

    assert "Người Ngoài" not in text
    assert "No medical clearance" not in text
    assert "Filled from an organisation outside your access" in text
    assert "1 person needs a medical check" in text


def test_another_ministrys_rotation_is_missing(client, police_officer_user, mod):
    rotation = rotation_of(mod["hospital"], 1)
    client.force_login(police_officer_user)
    assert client.get(f"/planning/rotations/{rotation.pk}/readiness/").status_code == 404
    assert client.get("/planning/rotations/999999/readiness/").status_code == 404


def count_queries(client, rotation, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        readiness_page(client, rotation)
    return len(captured)


def test_the_rotation_page_costs_the_same_for_five_positions_or_thirty(
    client, planner, mod, medical_and_passport, django_assert_max_num_queries
):
    Requirement.objects.create(kind="screening", screening_kind="misconduct", source="UN")
    small, large = rotation_of(mod["hospital"], 5), rotation_of(mod["hospital"], 30, number=2)
    fill(small)
    fill(large)
    client.force_login(planner)

    few = count_queries(client, small, django_assert_max_num_queries, 30)
    many = count_queries(client, large, django_assert_max_num_queries, 30)

    assert few == many


# --- a person against any position -----------------------------------------------------------


def person_page(client, person, **params):
    return client.get(f"/planning/people/{person.pk}/readiness/", params)


def test_a_persons_readiness_uses_the_rotations_period_by_default(
    client, planner, mod, medical_and_passport
):
    rotation = rotation_of(mod["hospital"], 2)
    person = testing.person(mod["hospital"], "Đặng Văn Lâm")
    MedicalClearance.objects.create(
        person=person, examined_on=datetime.date(2026, 1, 5), result="fit", valid_until=RETURNS
    )
    client.force_login(planner)
    position = rotation.positions.first()

    default = person_page(client, person, rotation=rotation.pk, position=position.pk)
    shorter = person_page(
        client,
        person,
        rotation=rotation.pk,
        position=position.pk,
        starts_on="2026-04-01",
        ends_on="2026-06-30",
    )

    text = default.content.decode()
    assert default.status_code == 200
    assert "2026-04-01 → 2026-09-30" in text
    assert "Not ready:" in text and "No passport" in text
    assert 'data-met="yes"' in text  # the medical clearance lasts through 30 September
    assert "UN medical manual" in text  # each requirement shows where it comes from
    assert "2026-04-01 → 2026-06-30" in shorter.content.decode()


def test_a_ready_person_is_told_so(client, planner, mod, medical_and_passport):
    rotation = rotation_of(mod["hospital"], 1)
    person = make_ready(testing.person(mod["hospital"]), RETURNS)
    client.force_login(planner)

    response = person_page(
        client, person, rotation=rotation.pk, position=rotation.positions.get().pk
    )

    assert "Ready: every requirement is met for the whole period." in response.content.decode()


def test_the_position_must_belong_to_the_rotation(client, planner, mod):
    first, second = rotation_of(mod["hospital"], 1), rotation_of(mod["hospital"], 1, number=2)
    person = testing.person(mod["hospital"])
    client.force_login(planner)

    response = person_page(client, person, rotation=first.pk, position=second.positions.get().pk)

    assert 'data-field="position">Choose a position of the rotation.' in response.content.decode()


def test_another_ministrys_person_or_rotation_is_missing(client, planner, mod, mps):
    own = testing.person(mod["hospital"])
    police = testing.person(mps["police"], "Công an")
    police_rotation = rotation_of(mps["police"], 1)
    client.force_login(planner)

    assert person_page(client, police).status_code == 404
    assert person_page(client, own, rotation=police_rotation.pk).status_code == 404
    assert person_page(client, own, rotation="abc").status_code == 404


@pytest.mark.parametrize("digits", ["²", "٣", "1²", str(2**63)])
def test_a_rotation_id_in_other_digits_or_too_long_is_not_found(client, planner, mod, digits):
    # "²" passes str.isdigit() but not int() (it was a 500); "٣" is read by int() as 3.
    person = testing.person(mod["hospital"])
    rotation_of(mod["hospital"], 1)
    client.force_login(planner)

    assert person_page(client, person, rotation=digits).status_code == 404


def test_the_person_page_runs_a_bounded_number_of_queries(
    client, planner, mod, medical_and_passport, django_assert_max_num_queries
):
    rotation = rotation_of(mod["hospital"], 30)
    person = testing.person(mod["hospital"])
    client.force_login(planner)

    with django_assert_max_num_queries(20):
        response = person_page(
            client, person, rotation=rotation.pk, position=rotation.positions.first().pk
        )

    assert response.content.decode().count("<option") >= 30


def test_the_readiness_index_offers_the_rotations_in_preparation_of_the_users_scope(
    client, planner, mod, mps
):
    own = rotation_of(mod["hospital"], 1)
    police = rotation_of(mps["police"], 1, number=2)
    client.force_login(planner)

    text = client.get("/planning/").content.decode()

    assert f'href="/planning/rotations/{own.pk}/readiness/"' in text
    assert f"/planning/rotations/{police.pk}/readiness/" not in text
    assert 'href="/planning/"' in text  # the menu's Readiness entry
    rotation_page = client.get(own.get_absolute_url()).content.decode()
    assert 'data-testid="readiness-link"' in rotation_page
