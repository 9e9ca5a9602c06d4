"""Generated pools on real records: every proposed assignment meets every hard requirement, as
the per-person reference (planning.reference) reads it, and the plan is the best roster that
exhaustive search over the reference's eligible pairs finds (≤ 6 positions, ≤ 7 people).
"""

import datetime
from itertools import count

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import testing
from deployments.models import Deployment
from people.models import MedicalClearance, Passport, Person, PersonLanguage
from planning.models import Requirement
from planning.planner.instance import PlannerError, build
from planning.planner.run import plan
from planning.planner.testing import DEPARTS, RETURNS, table_rotation
from planning.reference import load_people, meets
from planning.rules import rules_for_positions
from units.models import Position

pytestmark = pytest.mark.usefixtures("no_requirements")
DAY = datetime.timedelta(days=1)
FIXED = settings(
    database=None,
    derandomize=True,
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_numbers = count(1)

person_specs = st.fixed_dictionaries(
    {
        "female": st.booleans(),
        "grade": st.sampled_from([0, 4, 6, 12, 13]),
        "specialty": st.sampled_from([None, 0, 1]),
        "passport_days": st.one_of(st.none(), st.integers(-30, 400)),  # after the return
        "medical": st.sampled_from([None, "fit", "unfit", "short"]),
        "english": st.integers(0, 6),
        "busy": st.sampled_from([None, "overlap", "rest"]),
        "served_years_ago": st.one_of(st.none(), st.integers(2, 9)),
        "service_year": st.integers(1995, 2024),
    }
)
row_specs = st.fixed_dictionaries(
    {
        "count": st.integers(1, 3),
        "specialty": st.sampled_from([None, 0, 1]),
        "rank": st.sampled_from([(None, None), (4, 6), (11, 13), (12, None)]),
        "english": st.sampled_from([None, 3, 4]),
    }
)


def make_person(unit, spec, specialties, position):
    rank = (
        testing.rank(name=f"Grade {spec['grade']}", grade=spec["grade"]) if spec["grade"] else None
    )
    person = testing.person(
        unit,
        f"Generated {next(_numbers)}",
        sex="F" if spec["female"] else "M",
        rank=rank,
        specialty=None if spec["specialty"] is None else specialties[spec["specialty"]],
        service_start=datetime.date(spec["service_year"], 3, 1),
    )
    if spec["passport_days"] is not None:
        Passport.objects.create(
            person=person,
            number=f"G{person.pk}",
            issued_on=datetime.date(2020, 1, 1),
            expires_on=RETURNS + spec["passport_days"] * DAY,
        )
    if spec["medical"]:
        valid = RETURNS - 10 * DAY if spec["medical"] == "short" else RETURNS + 100 * DAY
        result = "unfit" if spec["medical"] == "unfit" else "fit"
        MedicalClearance.objects.create(
            person=person, examined_on=datetime.date(2025, 6, 1), result=result, valid_until=valid
        )
    if spec["english"]:
        PersonLanguage.objects.create(
            person=person, language=testing.language(), level=spec["english"]
        )
    if spec["busy"] == "overlap":
        Deployment.objects.create(
            person=person,
            position=position,
            starts_on=RETURNS - 5 * DAY,
            ends_on=RETURNS + 90 * DAY,
        )
    elif spec["busy"] == "rest":
        Deployment.objects.create(
            person=person,
            position=position,
            state="repatriated",
            starts_on=DEPARTS - 300 * DAY,
            ends_on=DEPARTS - 100 * DAY,
            returned_on=DEPARTS - 100 * DAY,
        )
    if spec["served_years_ago"]:
        back = DEPARTS - spec["served_years_ago"] * 366 * DAY
        Deployment.objects.create(
            person=person,
            position=position,
            state="repatriated",
            starts_on=back - 200 * DAY,
            ends_on=back,
            returned_on=back,
        )
    return person, spec["busy"] is None


def reference_pairs(rotation, people, free, specialty_required):
    """(position pk → eligible person pks) by the per-person reference, plus specialty, free."""
    positions = list(
        Position.objects.filter(rotation=rotation).select_related("rotation__unit_type")
    )
    rules = rules_for_positions(positions)
    loaded = load_people(Person.objects.filter(pk__in=[p.pk for p in people]))
    result = {}
    for position in positions:
        result[position.pk] = {
            person.pk
            for person in loaded
            if free[person.pk]
            and (
                not specialty_required
                or position.specialty_id is None
                or person.specialty_id == position.specialty_id
            )
            and all(
                meets(person, rule.requirement, DEPARTS, RETURNS) for rule in rules[position.pk]
            )
        }
    return positions, result


def best_by_exhaustive_search(positions, eligible, score, female, need, women_weight):
    best = None

    def walk(i, used, total, women):
        nonlocal best
        if i == len(positions):
            value = total - women_weight * max(0, need - women)
            best = value if best is None else max(best, value)
            return
        position = positions[i]
        walk(i + 1, used, total, women)
        for pk in eligible[position.pk] - used:
            walk(i + 1, used | {pk}, total + score(position, pk), women + female[pk])

    walk(0, frozenset(), 0, 0)
    return best


@FIXED
@given(
    pool=st.lists(person_specs, min_size=1, max_size=7),
    rows=st.lists(row_specs, min_size=1, max_size=3),
    women_share=st.sampled_from([0, 30, 60]),
    specialty_required=st.booleans(),
)
def test_every_proposal_meets_every_requirement_and_is_the_best_roster(
    db, pool, rows, women_share, specialty_required
):
    total = 0
    table = []
    for row in rows:
        take = min(row["count"], 6 - total)
        if take > 0:
            table.append(row | {"count": take})
            total += take
    with transaction.atomic():
        Requirement.objects.create(kind="medical", source="UN medical manual")
        Requirement.objects.create(kind="passport", margin_months=6, source="UN travel rules")
        unit = testing.organisation(f"Generated unit {next(_numbers)}")
        specialties = [testing.specialty("gen-a", "Alpha"), testing.specialty("gen-b", "Beta")]
        other = table_rotation(
            unit,
            [("Elsewhere", 7, None, None, None, None)],
            number=2,
            departs=DEPARTS - 400 * DAY,
            returns=DEPARTS + 400 * DAY,
        )
        rotation = table_rotation(
            unit,
            [
                (
                    "Role",
                    r["count"],
                    None if r["specialty"] is None else specialties[r["specialty"]],
                    r["rank"][0],
                    r["rank"][1],
                    r["english"],
                )
                for r in table
            ],  # fmt: skip
            women_share=women_share,
        )
        elsewhere = list(other.positions.order_by("number"))
        made = [make_person(unit, spec, specialties, elsewhere[n]) for n, spec in enumerate(pool)]
        people = [person for person, _free in made]
        free = {person.pk: is_free for person, is_free in made}
        female = {person.pk: int(person.sex == "F") for person in people}
        queryset = Person.objects.filter(organisation=unit)

        if not any(free.values()):
            with pytest.raises(PlannerError, match="pool is empty"):
                plan([rotation], queryset, specialty_required=specialty_required)
            transaction.set_rollback(True)
            return
        proposal = plan([rotation], queryset, specialty_required=specialty_required)

        positions, eligible = reference_pairs(rotation, people, free, specialty_required)
        for row in proposal["positions"]:
            if row["person"]:
                assert row["person"]["person"] in eligible[row["position"]], row
        chosen = [row["person"]["person"] for row in proposal["positions"] if row["person"]]
        assert len(chosen) == len(set(chosen))

        instance = build([rotation], queryset, specialty_required=specialty_required)
        signature = {p.pk: c.signature for c in instance.classes for p in c.positions}

        def score(position, pk):
            index = int(instance.pool.index_of([pk])[0])
            return int(instance.scores_for(signature[position.pk])[index])

        best = best_by_exhaustive_search(
            positions,
            eligible,
            score,
            female,
            instance.women_needed[0],
            instance.weights.women_shortfall,
        )
        assert proposal["figures"]["objective"] == best
        assert proposal["figures"]["proven"] is True
        assert proposal["figures"]["objective"] >= proposal["figures"]["greedy_objective"]
        transaction.set_rollback(True)
