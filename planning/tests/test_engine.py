"""The readiness engine: which requirements apply, agreement with the per-person reference on
generated pools, and a number of queries that does not grow with the pool.
"""

import datetime
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import testing
from core.dates import add_months
from people.models import (
    DrivingLicence,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Rank,
    Screening,
    whole_years,
)
from planning import readiness
from planning.models import Requirement
from planning.reference import reference_unmet
from planning.rules import Rule, born_by, licence_issued_by, rules_for
from planning.testing import certificate, cptm_course, make_ready
from planning.tests.conftest import DEPARTS, RETURNS
from training.models import Assessment
from units.models import PositionLanguageRequirement

pytestmark = pytest.mark.usefixtures("no_requirements")
DAY = datetime.timedelta(days=1)
# Derandomised and without an example database: the same examples on every run and machine,
# no files written into the project.
FIXED = settings(
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- which requirements apply -----------------------------------------------------------------


def test_a_position_gathers_its_own_unit_types_missions_categorys_and_everyones_rules(
    rotation, position
):
    other_rotation = testing.rotation(
        rotation.organisation,
        number=2,
        unit_type=testing.unit_type("engineers", positions=1, name="Engineers"),
        mission=testing.mission("UNISFA", name="UNISFA"),
    )
    wanted = [
        Requirement.objects.create(kind="medical", source="everyone"),
        Requirement.objects.create(kind="age", min_age=25, category="ipo", source="category"),
        Requirement.objects.create(
            kind="passport", mission=rotation.mission, margin_months=6, source="mission"
        ),
        Requirement.objects.create(
            kind="service_years", min_years=5, unit_type=rotation.unit_type, source="unit type"
        ),
        Requirement.objects.create(
            kind="rank", rank_min=11, position=position, source="this position"
        ),
    ]
    for elsewhere in (
        {"category": "troops"},
        {"mission": other_rotation.mission},
        {"unit_type": other_rotation.unit_type},
        {"position": rotation.positions.exclude(pk=position.pk).first()},
    ):
        Requirement.objects.create(kind="medical", margin_months=1, source="other", **elsewhere)

    rules = rules_for(position)

    assert sorted(rule.requirement.source for rule in rules) == sorted(r.source for r in wanted)


def test_the_positions_table_entry_adds_its_rank_range_and_languages(position):
    position.rank_min, position.rank_max = 11, 13
    position.save()
    PositionLanguageRequirement.objects.create(
        position=position, language=testing.language(), level=4
    )

    rules = rules_for(position)

    assert [str(rule) for rule in rules] == ["Rank OF-1 to OF-3", "English B2 or above"]
    assert {rule.requirement.source for rule in rules} == {
        "The position's entry in the table of organisation"
    }


def test_a_workflow_step_can_ask_for_some_kinds_only(position, officer, period):
    Requirement.objects.create(kind="medical", source="s")
    Requirement.objects.create(kind="screening", screening_kind="misconduct", source="s")

    missed = readiness.unmet(Person.objects.all(), position, *period, kinds=["screening"])

    assert [rule.kind for rule in missed[officer.pk]] == ["screening"]


def test_the_same_demand_twice_is_evaluated_once_and_reported_for_each(position, officer, period):
    Requirement.objects.create(kind="medical", source="UN")
    Requirement.objects.create(kind="medical", category="ipo", source="Department")

    rules = rules_for(position)
    people = Person.objects.filter(pk=officer.pk)
    rows, bits = readiness.masks(people, rules, *period)

    assert len(bits) == 1
    assert len(readiness.unmet_rules(people, rules, *period)[officer.pk]) == 2


def test_more_requirements_than_one_mask_column_holds_are_still_told_apart(officer, period):
    Passport.objects.create(person=officer, number="M1", expires_on=add_months(RETURNS, 64))
    rules = [
        Rule(f"m{months}", Requirement(kind="passport", margin_months=months))
        for months in range(readiness.MASK_BITS + 10)
    ]
    people = Person.objects.filter(pk=officer.pk)

    missed = readiness.unmet_rules(people, rules, *period)

    assert [rule.key for rule in missed[officer.pk]] == [f"m{n}" for n in range(65, 70)]
    assert missed == reference_unmet(people, rules, *period)


# --- cost -------------------------------------------------------------------------------------


def defaults(rotation):
    course = cptm_course()
    Requirement.objects.create(kind="passport", margin_months=6, source="s")
    Requirement.objects.create(kind="medical", source="s")
    Requirement.objects.create(kind="screening", screening_kind="human_rights", source="s")
    Requirement.objects.create(kind="course", course=course, source="s")
    Requirement.objects.create(kind="age", min_age=25, max_age=62, category="ipo", source="s")
    Requirement.objects.create(kind="licence", licence_category="B", licence_held_months=12,
                               category="ipo", source="s")  # fmt: skip
    Requirement.objects.create(kind="assessment", assessment_kind="language", source="s")


def pool(organisation, size):
    people = []
    for index in range(size):
        person = testing.person(organisation, f"Người {index:03d}")
        if index % 2:
            make_ready(person, until=RETURNS)
        people.append(person)
    return people


def queries_for(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def test_the_number_of_queries_does_not_grow_with_the_pool(rotation, position, mod, period):
    defaults(rotation)
    pool(mod["hospital"], 4)
    few, _ = queries_for(lambda: readiness.unmet(Person.objects.all(), position, *period))
    pool(mod["department"], 30)
    many, missed = queries_for(lambda: readiness.unmet(Person.objects.all(), position, *period))

    # The requirements, the position's languages, the pool's size, the evaluation.
    assert few == many <= 4
    assert len(missed) == 34  # nobody has the language assessment or a licence


def test_explaining_a_rotation_costs_the_same_for_five_holders_or_thirty(rotation, mod, period):
    defaults(rotation)
    positions = list(rotation.positions.select_related("rotation__unit_type"))
    people = pool(mod["hospital"], 30)
    five = [(p.pk, positions[i % 3], *period) for i, p in enumerate(people[:5])]
    thirty = [(p.pk, positions[i % 3], *period) for i, p in enumerate(people)]

    def explain(holders):
        failures = readiness.unmet_for_holders(holders)
        return readiness.explain_failures(failures, {pk: period for pk, *_ in holders})

    few, _ = queries_for(lambda: explain(five))
    many, reasons = queries_for(lambda: explain(thirty))

    assert few == many
    assert len(reasons) == 30


def test_ready_by_position_takes_each_positions_own_requirements(rotation, mod, period):
    defaults(rotation)
    first, second, third = rotation.positions.select_related("rotation__unit_type")
    second.rank_min = 12
    second.save()
    captain = testing.rank(name="Captain", grade=12)
    lieutenant = testing.rank(name="Lieutenant", grade=11)
    people = pool(mod["hospital"], 6)
    for person in people:
        person.rank = captain if person.pk % 3 else lieutenant
        person.save()
        DrivingLicence.objects.create(
            person=person, category="B", issued_on=datetime.date(2015, 1, 1)
        )
        Assessment.objects.create(
            person=person, kind="language", assessed_on=datetime.date(2025, 1, 1),
            assessor_kind="un", score=80, passed=True,
        )  # fmt: skip

    ready = readiness.ready_by_position(Person.objects.all(), [first, second, third], *period)

    ready_people = [p for p in people if p.passports.exists()]
    assert ready[first.pk] == ready[third.pk] == {p.pk for p in ready_people}
    assert ready[second.pk] == {p.pk for p in ready_people if p.rank == captain}


# --- agreement with the reference, on generated pools -----------------------------------------

offsets = st.integers(min_value=-40, max_value=40)


@st.composite
def people(draw):
    return draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "age": st.integers(min_value=20, max_value=66),
                    "birthday": st.integers(min_value=-3, max_value=3),
                    "service": st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
                    "grade": st.one_of(st.none(), st.sampled_from([5, 9, 11, 12, 13, 15])),
                    "passports": st.lists(offsets, max_size=2),
                    "medicals": st.lists(
                        st.tuples(offsets, st.sampled_from(["fit", "restricted", "unfit"])),
                        max_size=2,
                    ),
                    "screenings": st.lists(
                        st.tuples(
                            st.sampled_from(["human_rights", "misconduct"]),
                            st.sampled_from(["pending", "cleared", "not_cleared"]),
                            st.integers(min_value=0, max_value=3),
                        ),
                        max_size=3,
                    ),
                    "certificates": st.lists(st.tuples(offsets, st.booleans()), max_size=2),
                    "assessments": st.lists(
                        st.tuples(
                            st.sampled_from(["language", "driving", "firearms"]),
                            st.booleans(),
                            st.one_of(st.none(), offsets),
                        ),
                        max_size=2,
                    ),
                    "level": st.one_of(st.none(), st.integers(min_value=1, max_value=6)),
                    "licences": st.lists(
                        st.tuples(
                            st.sampled_from(["B", "b", "C"]),
                            st.integers(min_value=-20, max_value=20),
                            st.one_of(st.none(), offsets),
                        ),
                        max_size=2,
                    ),
                }
            ),
            min_size=1,
            max_size=8,
        )
    )


requirement_sets = st.fixed_dictionaries(
    {
        "min_age": st.integers(min_value=21, max_value=40),
        "max_age": st.one_of(st.none(), st.integers(min_value=45, max_value=65)),
        "years": st.integers(min_value=0, max_value=10),
        "rank": st.sampled_from([(11, None), (None, 12), (11, 13), (12, 12)]),
        "margin": st.integers(min_value=0, max_value=6),
        "level": st.integers(min_value=1, max_value=6),
        "held": st.integers(min_value=0, max_value=24),
        "assessment": st.sampled_from(["language", "driving", "firearms"]),
    }
)


def build(organisation, spec, index, course, english):
    start, end = DEPARTS, RETURNS
    birth = add_months(start, -12 * spec["age"]) + spec["birthday"] * DAY
    service = None if spec["service"] is None else add_months(start, -12 * spec["service"])
    rank = None
    if spec["grade"]:
        rank = Rank.objects.get_or_create(
            service="army", name=f"Grade {spec['grade']}", defaults={"grade": spec["grade"]}
        )[0]
    person = testing.person(
        organisation, f"P{index}", date_of_birth=birth, service_start=service, rank=rank
    )
    for number, offset in enumerate(spec["passports"]):
        Passport.objects.create(
            person=person, number=f"X{index}-{number}", expires_on=end + offset * DAY
        )
    for number, (offset, result) in enumerate(spec["medicals"]):
        MedicalClearance.objects.create(
            person=person,
            examined_on=datetime.date(2025, 1, 1) + number * DAY,
            result=result,
            valid_until=end + offset * DAY,
        )
    for kind, status, day in spec["screenings"]:
        Screening.objects.create(
            person=person, kind=kind, status=status,
            screened_on=datetime.date(2025, 1, 1) + day * DAY, screened_by="Board",
        )  # fmt: skip
    for offset, passed in spec["certificates"]:
        # 24 months' validity: issued so that the certificate expires `offset` days from the end.
        issued = add_months(end + (offset + 1) * DAY, -24)
        certificate(person, course, issued, score=90 if passed else 10)
    for kind, passed, offset in spec["assessments"]:
        Assessment.objects.create(
            person=person, kind=kind, assessed_on=datetime.date(2025, 1, 1), assessor_kind="un",
            score=70, passed=passed, valid_until=None if offset is None else end + offset * DAY,
            language=english if kind == "language" else None,
        )  # fmt: skip
    if spec["level"]:
        PersonLanguage.objects.create(person=person, language=english, level=spec["level"])
    for category, months, offset in spec["licences"]:
        DrivingLicence.objects.create(
            person=person, category=category, issued_on=add_months(start, -12) + months * DAY,
            expires_on=None if offset is None else end + offset * DAY,
        )  # fmt: skip
    return person


def requirements(spec, course, english):
    low, high = spec["rank"]
    made = [
        Requirement(kind="age", min_age=spec["min_age"], max_age=spec["max_age"]),
        Requirement(kind="service_years", min_years=spec["years"]),
        Requirement(kind="rank", rank_min=low, rank_max=high),
        Requirement(kind="passport", margin_months=spec["margin"]),
        Requirement(kind="medical", margin_months=spec["margin"] // 3),
        Requirement(kind="screening", screening_kind="human_rights"),
        Requirement(kind="screening", screening_kind="misconduct"),
        Requirement(kind="course", course=course),
        Requirement(kind="assessment", assessment_kind=spec["assessment"]),
        Requirement(kind="language", language=english, language_level=spec["level"]),
        Requirement(kind="licence", licence_category="B", licence_held_months=spec["held"]),
    ]
    return [Rule(f"r{index}", requirement) for index, requirement in enumerate(made)]


@settings(FIXED, max_examples=30)
@given(pool=people(), spec=requirement_sets)
def test_the_engine_agrees_with_the_per_person_reference(db, pool, spec):
    with transaction.atomic():
        organisation = testing.organisation("Generated")
        course = cptm_course()
        course.validity_months = 24
        course.save()
        english = testing.language()
        for index, person_spec in enumerate(pool):
            build(organisation, person_spec, index, course, english)
        rules = requirements(spec, course, english)
        people_qs = Person.objects.filter(organisation=organisation)

        reference = reference_unmet(people_qs, rules, DEPARTS, RETURNS)
        expected = {pk: [r.key for r in rs] for pk, rs in reference.items()}
        # Both ways of reading documents: person by person, and once for the whole pool.
        for limit in (readiness.PER_PERSON_LIMIT, 0):
            with mock.patch.object(readiness, "PER_PERSON_LIMIT", limit):
                engine = readiness.unmet_rules(people_qs, rules, DEPARTS, RETURNS)
            assert {pk: [r.key for r in rs] for pk, rs in engine.items()} == expected
        transaction.set_rollback(True)


# --- the thresholds behind the boundary days --------------------------------------------------

days = st.dates(min_value=datetime.date(1996, 1, 1), max_value=datetime.date(2040, 12, 31))


@settings(FIXED)
@given(start=days, years=st.integers(min_value=0, max_value=70))
def test_born_by_is_the_last_birth_day_that_reaches_the_age_on_the_day(start, years):
    limit = born_by(start, years)
    assert whole_years(limit, start) >= years
    assert whole_years(limit + DAY, start) < years


@settings(FIXED)
@given(start=days, months=st.integers(min_value=0, max_value=36))
def test_licence_issued_by_is_the_last_issue_day_held_long_enough(start, months):
    limit = licence_issued_by(start, months)
    assert add_months(limit, months) <= start
    assert add_months(limit + DAY, months) > start
