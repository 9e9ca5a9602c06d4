"""The national figures read per-organisation tallies: they must say what a recount says.

The reference here is the slowest honest one: every visible deployment read into Python and
counted by hand, for a random mix of organisations, missions, categories and tours.
"""

from __future__ import annotations

import calendar
import datetime
import random
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from core import roles, testing
from core.models import Organisation
from deployments.models import Deployment, State
from missions.models import Mission
from people.imports import apply as writing
from people.imports.testing import table, xlsx_bytes
from people.imports.validate import check
from people.models import Person, Sex
from stats import national, tallies
from stats.models import TallyState, YearTally
from stats.tests.test_national import deploy, positions

D = datetime.date
TODAY = D(2026, 11, 22)


def random_register(mod, mps, seed: int) -> None:
    """People of three organisations with 0-3 tours each, some still out there."""
    rng = random.Random(seed)
    slots = []
    for org in (mod["hospital"], mod["department"], mps["police"]):
        for mission, category, days in (
            ("UNMISS", "troops", 90),
            ("MINUSCA", "staff_officer", 90),
            ("UNISFA", "expert", 60),
        ):
            slots += [(org, p) for p in positions(org, 12, mission, category, days)]
    rng.shuffle(slots)
    people = {
        org.pk: [testing.person(org, sex=rng.choice("MMMF")) for _ in range(8)]
        for org in (mod["hospital"], mod["department"], mps["police"])
    }
    taken: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for org, position in slots:
        person = rng.choice(people[org.pk])
        arrived = D(2015, 1, 1) + datetime.timedelta(days=rng.randrange(0, 4000))
        length = rng.choice([30, 59, 60, 89, 90, 200, 365])
        returned = arrived + datetime.timedelta(days=length)
        if any(a <= returned and arrived <= b for a, b in taken[person.pk]):
            continue  # the workflow refuses overlapping tours
        out_there = returned > TODAY or rng.random() < 0.1
        state = rng.choice([State.DEPLOYED] * 3 + [State.WITHDRAWN]) if out_there else None
        if state is None:
            deploy(person, position, arrived, returned)
        else:
            deploy(person, position, arrived, None, state=state, ends_on=returned)
        taken[person.pk].append((arrived, returned))


def visible(user) -> list[Deployment]:
    return list(
        Deployment.objects.restrict(user, "view")
        .filter(state__in=national.DISPATCHED_STATES)
        .select_related("person", "position__rotation__unit_type", "position__rotation__mission")
    )


def arrival(d: Deployment) -> datetime.date:
    return d.arrived_on or d.starts_on


def last_day(d: Deployment, today: datetime.date) -> datetime.date:
    return min(d.returned_on or d.ends_on, today)


def by_hand_years(user) -> list[tuple[int, int, int, int]]:
    """(year, people, deployments, new people) counted deployment by deployment."""
    people, deployments, first = defaultdict(set), Counter(), {}
    for d in visible(user):
        year = arrival(d).year
        people[year].add(d.person_id)
        deployments[year] += 1
        first[d.person_id] = min(first.get(d.person_id, year), year)
    new = Counter(first.values())
    return [(y, len(people[y]), deployments[y], new[y]) for y in sorted(people)]


def by_hand_women(user) -> list[tuple[int, str, int, int]]:
    cells = defaultdict(set)
    for d in visible(user):
        cells[(arrival(d).year, d.position.rotation.unit_type.category)].add(d.person)
    return [
        (year, category, len(found), sum(p.sex == Sex.FEMALE for p in found))
        for (year, category), found in sorted(cells.items())
    ]


def by_hand_person_days(user, today: datetime.date) -> Counter:
    days = Counter()
    for d in visible(user):
        day = arrival(d)
        while day <= last_day(d, today):
            days[day.replace(day=1)] += 1
            day += datetime.timedelta(days=1)
    return days


def by_hand_medals(user, today: datetime.date) -> list[tuple[str, int, int, int]]:
    deployments, people = Counter(), defaultdict(set)
    for d in visible(user):
        mission = d.position.rotation.mission
        if (last_day(d, today) - arrival(d)).days >= mission.medal_qualifying_days - 1:
            key = (mission.code, mission.medal_qualifying_days)
            deployments[key] += 1
            people[key].add(d.person_id)
    return [(*key, deployments[key], len(people[key])) for key in sorted(deployments)]


def figures(user, today: datetime.date):
    years = [
        (r.year, r.people, r.deployments, r.new_people) for r in national.dispatched_per_year(user)
    ]
    women = [(r.year, r.category, r.people, r.women) for r in national.women_share(user)]
    months = national.reimbursement(user, today)
    medals = [
        (r.mission, r.qualifying_days, r.deployments, r.people)
        for r in national.medals_due(user, today)
    ]
    return years, women, months, medals


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("who", ["department viewer", "police viewer", "superuser"])
def test_every_figure_matches_a_recount_by_hand(mod, mps, seed, who):
    random_register(mod, mps, seed)
    user = {
        "department viewer": lambda: testing.user("v", roles.VIEWER, mod["department"]),
        "police viewer": lambda: testing.user("p", roles.VIEWER, mps["ministry"]),
        "superuser": lambda: testing.user("root", roles.ADMINISTRATOR, is_superuser=True),
    }[who]()

    years, women, months, medals = figures(user, TODAY)

    assert years == by_hand_years(user)
    assert women == by_hand_women(user)
    person_days = by_hand_person_days(user, TODAY)
    assert [r.month for r in months] == sorted(person_days)
    for row in months:
        length = calendar.monthrange(row.month.year, row.month.month)[1]
        expected = Decimal(person_days[row.month]) / length
        assert row.person_months == expected.quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert medals == by_hand_medals(user, TODAY)


def test_a_day_before_the_latest_return_is_counted_from_the_deployments(mod, viewer):
    slots = positions(mod["hospital"], 2, days=90)
    deploy(testing.person(mod["hospital"]), slots[0], D(2024, 1, 1), D(2024, 6, 30))
    deploy(testing.person(mod["hospital"]), slots[1], D(2024, 3, 1), D(2024, 5, 1))

    # On 15 April 2024 the first tour had served 106 days, the second 46.
    medals = national.medals_due(viewer, D(2024, 4, 15))
    months = national.reimbursement(viewer, D(2024, 4, 15))

    assert [(m.deployments, m.people) for m in medals] == [(1, 1)]
    assert months[-1].month == D(2024, 4, 1)
    assert months[-1].person_months == Decimal("1.00")  # two people for 15 of April's 30 days
    # From the latest return on, the tallies answer: both tours, whole.
    assert [m.deployments for m in national.medals_due(viewer, D(2024, 6, 30))] == [1]
    assert national.reimbursement(viewer, D(2024, 6, 30))[-1].person_months == Decimal("1.00")


def test_a_new_deployment_shows_on_the_next_view_and_marks_only_its_organisation(mod, mps):
    root = testing.user("root", roles.ADMINISTRATOR, is_superuser=True)
    slot = positions(mod["hospital"], 1)[0]
    police_slot = positions(mps["police"], 1)[0]
    deploy(testing.person(mps["police"]), police_slot, D(2020, 1, 1), D(2020, 12, 31))
    assert [r.deployments for r in national.dispatched_per_year(root)] == [1]
    assert TallyState.objects.filter(current=True).count() == Organisation.objects.count()

    deploy(testing.person(mod["hospital"], sex="F"), slot, D(2021, 2, 1), D(2021, 11, 30))

    stale = TallyState.objects.filter(current=False)
    assert list(stale.values_list("organisation", flat=True)) == [mod["hospital"].pk]
    assert [(r.year, r.deployments) for r in national.dispatched_per_year(root)] == [
        (2020, 1),
        (2021, 1),
    ]


def test_a_person_moving_to_another_organisation_moves_their_counts(mod, mps):
    police_viewer = testing.user("p", roles.VIEWER, mps["ministry"])
    defence_viewer = testing.user("v", roles.VIEWER, mod["department"])
    person = testing.person(mod["hospital"], sex="F")
    deploy(person, positions(mod["hospital"], 1)[0], D(2019, 1, 1), D(2019, 12, 31))
    assert national.dispatched_per_year(police_viewer) == []
    assert [r.people for r in national.dispatched_per_year(defence_viewer)] == [1]

    person.organisation = mps["police"]
    person.save()

    assert [r.people for r in national.dispatched_per_year(police_viewer)] == [1]
    assert national.dispatched_per_year(defence_viewer) == []


def test_a_new_sex_on_record_changes_the_womens_share(mod, viewer):
    person = testing.person(mod["hospital"], sex="M")
    deploy(person, positions(mod["hospital"], 1)[0], D(2019, 1, 1), D(2019, 12, 31))
    assert [r.women for r in national.women_share(viewer)] == [0]

    edited = Person.objects.get(pk=person.pk)  # a fresh object, as a form would save it
    edited.sex = Sex.FEMALE
    edited.save()

    assert [r.women for r in national.women_share(viewer)] == [1]


def test_changing_a_missions_qualifying_days_recounts_its_medals(mod, viewer):
    slot = positions(mod["hospital"], 1, mission="UNISFA", days=90)[0]
    deploy(testing.person(mod["hospital"]), slot, D(2019, 1, 1), D(2019, 2, 28))  # 59 days
    assert national.medals_due(viewer, TODAY) == []

    mission = Mission.objects.get(code="UNISFA")
    mission.medal_qualifying_days = 30
    mission.save()

    assert [(m.mission, m.deployments) for m in national.medals_due(viewer, TODAY)] == [
        ("UNISFA", 1)
    ]


def test_a_withdrawn_deployment_leaves_the_figures(mod, viewer):
    deployment = deploy(
        testing.person(mod["hospital"]), positions(mod["hospital"], 1)[0], D(2019, 1, 1), None
    )
    deployment.state = State.DEPLOYED
    deployment.save()
    assert [r.deployments for r in national.dispatched_per_year(viewer)] == [1]

    deployment.delete()

    assert national.dispatched_per_year(viewer) == []
    assert not YearTally.objects.exists()


def test_a_people_import_that_changes_sex_or_organisation_is_counted_again(
    mod, mps, tmp_path, viewer
):
    officer = testing.user("officer", roles.PERSONNEL_OFFICER, mod["ministry"], mps["ministry"])
    person = testing.person(mod["hospital"], "Võ Thị Sáu", service_number="QD0002", sex="M")
    deploy(person, positions(mod["hospital"], 1)[0], D(2019, 1, 1), D(2019, 12, 31))
    assert [r.women for r in national.women_share(viewer)] == [0]
    path = tmp_path / "people.xlsx"
    row = {"organisation": "H175", "service_number": "QD0002", "full_name": "Võ Thị Sáu"}
    path.write_bytes(xlsx_bytes(table([{**row, "sex": "F"}])))

    writing.apply(check(path, path.name, officer), officer)

    assert [r.women for r in national.women_share(viewer)] == [1]


def test_a_nomination_leaves_the_tallies_current(mod, viewer):
    deploy(testing.person(mod["hospital"]), positions(mod["hospital"], 1)[0], D(2019, 1, 1), None)
    national.dispatched_per_year(viewer)

    nominated = deploy(
        testing.person(mod["hospital"]),
        positions(mod["hospital"], 1)[0],
        None,
        state=State.NOMINATED,
        starts_on=D(2027, 1, 1),
    )
    nominated.state = State.SCREENED
    nominated.save()

    assert TallyState.objects.get(organisation=mod["hospital"]).current


def test_every_organisation_has_its_state_row_from_the_start(mod, mps):
    organisations = set(Organisation.objects.values_list("pk", flat=True))

    assert set(TallyState.objects.values_list("organisation", flat=True)) == organisations


def test_a_reader_that_waited_on_another_recount_counts_nothing_again(mod, viewer):
    deploy(testing.person(mod["hospital"]), positions(mod["hospital"], 1)[0], D(2019, 1, 1), None)
    national.dispatched_per_year(viewer)  # counts the stale organisations
    counted = TallyState.objects.get(organisation=mod["hospital"]).counted_at

    # As if this reader had found the organisation stale just before another recounted it.
    tallies.recount([mod["hospital"].pk], only_stale=True)

    assert TallyState.objects.get(organisation=mod["hospital"]).counted_at == counted
