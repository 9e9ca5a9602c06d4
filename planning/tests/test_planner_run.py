"""The planner on real records: who it proposes, who it leaves out and why, locks, the women
target, several rotations at once, and refusals that change nothing.
"""

import datetime

import pytest

from core import testing
from deployments.models import Deployment
from people.models import Person
from planning.models import Requirement
from planning.planner.instance import PlannerError
from planning.planner.run import plan
from planning.planner.testing import DEPARTS, RETURNS, candidate, table_rotation

pytestmark = pytest.mark.usefixtures("no_requirements")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def papers(db):
    Requirement.objects.create(kind="medical", source="UN medical manual")
    Requirement.objects.create(kind="passport", margin_months=6, source="UN travel rules")


@pytest.fixture
def surgeon():
    return testing.specialty("surgeon", "Surgeon")


@pytest.fixture
def nurse():
    return testing.specialty("nurse", "Nurse")


def proposed(proposal):
    return {row["number"]: row["person"]["name"] for row in proposal["positions"] if row["person"]}


def gaps(proposal):
    return [row for row in proposal["positions"] if row["gap"]]


def everyone():
    return Person.objects.all()


def busy(person, organisation, starts_on, ends_on, state="nominated", returned_on=None):
    """A deployment of `person` in another rotation (made directly: the dates are the point)."""
    other = table_rotation(organisation, [("Elsewhere", 1, None, None, None, None)], number=9)
    return Deployment.objects.create(
        person=person,
        position=other.positions.get(),
        state=state,
        starts_on=starts_on,
        ends_on=ends_on,
        returned_on=returned_on,
    )


def test_it_proposes_ready_people_of_the_positions_specialty_and_rank(mod, papers, surgeon, nurse):
    unit = mod["hospital"]
    rotation = table_rotation(
        unit, [("Surgeon", 1, surgeon, 12, 14, None), ("Nurse", 2, nurse, 5, 11, None)]
    )
    candidate(unit, "Surgeon Ready", specialty=surgeon, grade=13)
    candidate(unit, "Surgeon Without Papers", specialty=surgeon, grade=13, ready=False)
    candidate(unit, "Surgeon Too Junior", specialty=surgeon, grade=5)
    candidate(unit, "Nurse One", specialty=nurse, grade=6)
    candidate(unit, "Nurse Two", specialty=nurse, grade=7)
    candidate(unit, "Cook Ready", grade=6)

    proposal = plan([rotation], everyone())

    assert proposed(proposal) == {1: "Surgeon Ready", 2: "Nurse Two", 3: "Nurse One"}
    assert proposal["figures"]["proven"] is True
    assert proposal["figures"]["objective"] >= proposal["figures"]["greedy_objective"]


def test_it_leaves_out_people_deployed_nominated_or_inside_their_rest_period(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 1, None, None, None, None)])
    away = candidate(unit, "Nominated Elsewhere", until=RETURNS + 400 * DAY)
    resting = candidate(unit, "Back Six Months Ago")
    candidate(unit, "Free Officer", grade=5, service_start=datetime.date(2024, 1, 1))
    busy(away, unit, DEPARTS + 30 * DAY, RETURNS + 60 * DAY)
    busy(
        resting,
        unit,
        DEPARTS - 400 * DAY,
        DEPARTS - 180 * DAY,
        state="repatriated",
        returned_on=DEPARTS - 180 * DAY,
    )

    strict = plan([rotation], everyone(), rest_months=12)
    relaxed = plan([rotation], everyone().exclude(full_name="Free Officer"), rest_months=3)

    assert proposed(strict) == {1: "Free Officer"}
    assert proposed(relaxed) == {1: "Back Six Months Ago"}


def test_it_refuses_a_rotation_without_open_positions_and_names_it(mod, papers):
    unit = mod["hospital"]
    full = table_rotation(unit, [("Officer", 1, None, None, None, None)])
    holder = candidate(unit, "Holder")
    Deployment.objects.create(
        person=holder, position=full.positions.get(), starts_on=DEPARTS, ends_on=RETURNS
    )
    empty = testing.rotation(unit, number=5, with_positions=False)
    candidate(unit, "Someone")

    with pytest.raises(PlannerError) as refused:
        plan([full, empty], everyone())

    text = " ".join(refused.value.messages)
    assert str(full) in text and str(empty) in text and "no open positions" in text


def test_it_refuses_an_empty_pool(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 1, None, None, None, None)])
    nobody_free = candidate(unit, "Away")
    busy(nobody_free, unit, DEPARTS, RETURNS)

    with pytest.raises(PlannerError, match="pool is empty"):
        plan([rotation], Person.objects.none())
    with pytest.raises(PlannerError, match="deployed, nominated or resting"):
        plan([rotation], everyone())


def test_it_refuses_one_person_locked_to_two_positions(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 2, None, None, None, None)])
    person = candidate(unit, "Trần Văn Bình")
    first, second = rotation.positions.order_by("number")

    with pytest.raises(PlannerError, match="Trần Văn Bình is locked to more than one position"):
        plan([rotation], everyone(), locks={first.pk: person.pk, second.pk: person.pk})


def test_it_refuses_a_lock_on_someone_who_misses_a_requirement_saying_what(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 1, None, None, None, None)])
    unready = candidate(unit, "Lê Văn Cường", ready=False)
    candidate(unit, "Ready Officer")

    with pytest.raises(PlannerError) as refused:
        plan([rotation], everyone(), locks={rotation.positions.get().pk: unready.pk})

    text = " ".join(refused.value.messages)
    assert "Lê Văn Cường cannot be locked" in text
    assert "no medical clearance" in text and "no passport" in text


def test_a_locked_person_stays_even_when_someone_else_scores_higher(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 1, None, None, None, None)])
    candidate(unit, "Long Service", service_start=datetime.date(2000, 1, 1))
    junior = candidate(unit, "Short Service", service_start=datetime.date(2024, 1, 1))

    free = plan([rotation], everyone())
    locked = plan([rotation], everyone(), locks={rotation.positions.get().pk: junior.pk})

    assert proposed(free) == {1: "Long Service"}
    assert proposed(locked) == {1: "Short Service"}
    row = locked["positions"][0]
    assert row["locked"] is True and "locked by you" in row["why"]


def test_it_meets_the_women_target_where_greedy_filling_does_not(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 4, None, None, None, None)], women_share=50)
    for n in range(4):
        candidate(unit, f"Senior Man {n}", service_start=datetime.date(2000, 1, 1))
    for n in range(3):
        candidate(unit, f"Junior Woman {n}", sex="F", service_start=datetime.date(2020, 1, 1))

    proposal = plan([rotation], everyone())

    women = proposal["rotations"][0]["women"]
    assert women["needed"] == 2 and women["achieved"] == 2 and women["short"] == 0
    assert proposal["figures"]["greedy_women_short"] == 2
    assert proposal["figures"]["objective"] > proposal["figures"]["greedy_objective"]


def test_it_says_by_how_much_the_women_target_falls_short_and_why(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 4, None, None, None, None)], women_share=50)
    for n in range(4):
        candidate(unit, f"Man {n}")
    candidate(unit, "Only Woman", sex="F")
    candidate(unit, "Woman Without Papers", sex="F", ready=False)

    proposal = plan([rotation], everyone())

    women = proposal["rotations"][0]["women"]
    assert women["achieved"] == 1 and women["short"] == 1
    assert "Short by 1 woman" in women["why"]
    assert "Only 1 woman of the pool meets the requirements" in women["why"]
    assert proposal["figures"]["proven"] is True


def test_an_unfilled_position_says_why_and_who_comes_nearest_with_what_they_lack(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Interpreter", 1, None, None, None, 5)])  # English C1
    candidate(unit, "Good English No Papers", english=5, ready=False)
    candidate(unit, "Weak English", english=3)

    proposal = plan([rotation], everyone())

    (gap,) = gaps(proposal)
    assert "Nobody in the pool meets every requirement" in gap["gap"]["why"]
    nearest = {n["name"]: n["lacks"] for n in gap["gap"]["nearest"]}
    assert nearest["Weak English"] == ["English B1; C1 required"]
    assert "no medical clearance" in nearest["Good English No Papers"]


def test_a_gap_whose_candidates_serve_elsewhere_says_so(mod, papers, surgeon):
    unit = mod["hospital"]
    rotation = table_rotation(
        unit,
        [("Surgeon", 1, surgeon, None, None, None), ("Duty officer", 1, None, None, None, None)],
    )
    candidate(unit, "Only Surgeon", specialty=surgeon)

    proposal = plan([rotation], everyone(), specialty_required=False)

    (gap,) = gaps(proposal)
    assert "1 person meets every requirement" in gap["gap"]["why"]
    assert "Only Surgeon →" in gap["gap"]["why"]


def test_several_rotations_departing_together_take_each_person_once(mod, papers):
    unit = mod["hospital"]
    first = table_rotation(unit, [("Officer", 2, None, None, None, None)], number=1)
    second = table_rotation(unit, [("Officer", 2, None, None, None, None)], number=2)
    for n in range(3):
        candidate(unit, f"Officer {n}")

    proposal = plan([first, second], everyone())

    names = [row["person"]["name"] for row in proposal["positions"] if row["person"]]
    assert len(names) == 3 == len(set(names))
    assert [r["id"] for r in proposal["rotations"]] == [first.pk, second.pk]
    assert proposal["figures"]["unfilled"] == 1


def test_a_run_writes_nothing(mod, papers):
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Officer", 1, None, None, None, None)])
    candidate(unit, "Officer")

    plan([rotation], everyone())

    assert not Deployment.objects.exists()
