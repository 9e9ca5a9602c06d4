"""National statistics from our own deployments: /stats/national/ and stats.national."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from core import testing
from deployments.models import Deployment, State
from stats import national
from stats.models import ParityTarget, ReimbursementRate

D = datetime.date
URL = "/stats/national/"
_numbers = itertools.count(1)


def positions(org, count: int, mission: str = "UNMISS", category: str = "troops", days=90):
    """`count` fresh positions of one rotation of `category` in `mission`."""
    kind = testing.unit_type(f"{category}-{count}", positions=count, category=category)
    place = testing.mission(mission, medal_qualifying_days=days)
    made = testing.rotation(org, number=next(_numbers), unit_type=kind, mission=place)
    return list(made.positions.all())


def deploy(person, position, arrived, returned=None, *, state=State.REPATRIATED, **extra):
    values = {
        "starts_on": extra.pop("starts_on", arrived or D(2000, 1, 1)),
        "ends_on": extra.pop("ends_on", returned or D(2099, 12, 31)),
        "arrived_on": arrived,
        "returned_on": returned,
    }
    return Deployment.objects.create(person=person, position=position, state=state, **values)


def target(category: str, year: int) -> Decimal | None:
    found = ParityTarget.objects.filter(category=category, year=year).first()
    return found.target_percent if found else None


def test_the_confirmed_targets_and_rates_are_seeded_and_nothing_else(db):
    assert ParityTarget.objects.count() == 9
    assert target("troops", 2021) == 8
    assert target("troops", 2028) == 15
    assert target("expert", 2021) == 18
    assert target("staff_officer", 2028) == 25
    assert target("fpu", 2022) == 12
    assert target("ipo", 2028) == 30
    # Years the strategy sets but the README does not confirm are left for an administrator.
    assert target("troops", 2024) is None
    assert target("ipo", 2021) is None
    rates = list(ReimbursementRate.objects.values_list("usd_per_person_month", "confirmed"))
    assert rates == [
        (Decimal(1332), True),
        (Decimal(1365), True),
        (Decimal(1410), True),
        (Decimal(1428), True),
        (Decimal(1448), False),
    ]


def test_deployed_now_counts_men_and_women_in_the_field_by_mission_and_category(mod, viewer):
    org = mod["hospital"]
    slots = positions(org, 6)
    police = positions(org, 1, mission="UNISFA", category="ipo")
    today = D(2023, 3, 1)
    deploy(testing.person(org), slots[0], D(2023, 1, 1), state=State.DEPLOYED)
    deploy(testing.person(org), slots[1], D(2023, 1, 1), state=State.DEPLOYED)
    deploy(testing.person(org, sex="F"), slots[2], D(2023, 2, 1), state=State.DEPLOYED)
    deploy(testing.person(org, sex="F"), police[0], D(2022, 10, 1), state=State.DEPLOYED)
    # Back home, not yet left, or arriving tomorrow: none of them is in the field today.
    deploy(testing.person(org), slots[3], D(2022, 1, 1), D(2023, 2, 28))
    deploy(testing.person(org), slots[4], None, state=State.APPROVED, starts_on=D(2023, 1, 1))
    deploy(testing.person(org), slots[5], D(2023, 3, 2), state=State.DEPLOYED)

    rows = national.deployed_now(viewer, today)

    got = [(r.mission, r.category, r.men, r.women, r.total) for r in rows]
    assert got == [("UNISFA", "ipo", 0, 1, 1), ("UNMISS", "troops", 2, 1, 3)]


def test_a_person_sent_twice_counts_once_among_people_and_twice_among_deployments(mod, viewer):
    org = mod["hospital"]
    slots = positions(org, 5)
    twice, other, twice_in_a_year = (testing.person(org) for _ in range(3))
    deploy(twice, slots[0], D(2019, 5, 1), D(2020, 4, 30))
    deploy(twice, slots[1], D(2021, 5, 1), D(2022, 4, 30))
    deploy(other, slots[2], D(2021, 6, 1), D(2022, 5, 31))
    deploy(twice_in_a_year, slots[3], D(2022, 1, 10), D(2022, 3, 1))
    deploy(twice_in_a_year, slots[4], D(2022, 8, 1), D(2022, 12, 1))

    rows = national.dispatched_per_year(viewer)

    got = [
        (r.year, r.people, r.deployments, r.cumulative_people, r.cumulative_deployments)
        for r in rows
    ]
    assert got == [(2019, 1, 1, 1, 1), (2021, 2, 2, 2, 3), (2022, 1, 2, 3, 5)]


def test_a_deployment_counts_in_the_year_of_its_arrival_or_else_its_planned_start(mod, viewer):
    org = mod["hospital"]
    slots = positions(org, 4)
    # Planned for January but arrived on New Year's Eve: 2021.
    deploy(testing.person(org), slots[0], D(2021, 12, 31), starts_on=D(2022, 1, 5))
    # Planned for December but arrived on New Year's Day: 2022.
    deploy(testing.person(org), slots[1], D(2022, 1, 1), starts_on=D(2021, 12, 20))
    # No arrival recorded: its planned start, 1 January 2022.
    deploy(testing.person(org), slots[2], None, starts_on=D(2022, 1, 1), state=State.DEPLOYED)
    # Withdrawn before leaving: never dispatched.
    deploy(testing.person(org), slots[3], D(2022, 3, 1), state=State.WITHDRAWN)

    rows = national.dispatched_per_year(viewer)

    assert [(r.year, r.deployments) for r in rows] == [(2021, 1), (2022, 2)]


def test_womens_share_is_set_against_the_target_of_its_year_and_category(mod, viewer):
    org = mod["hospital"]
    slots = positions(org, 6)
    for index, sex in enumerate("FMMMMM"):
        deploy(testing.person(org, sex=sex), slots[index], D(2021, 3, 1), D(2022, 3, 1))
    observer = positions(org, 1, category="expert")
    deploy(testing.person(org, sex="F"), observer[0], D(2024, 3, 1), D(2025, 3, 1))

    rows = {(r.year, r.category): r for r in national.women_share(viewer)}

    troops = rows[(2021, "troops")]
    assert (troops.people, troops.women, troops.share) == (6, 1, Decimal("16.7"))
    assert troops.target == 8 and troops.meets_target is True
    assert rows[(2024, "expert")].target is None
    assert rows[(2024, "expert")].meets_target is None


def test_an_administrators_new_target_is_used_at_once(mod, viewer):
    slots = positions(mod["hospital"], 1, category="expert")
    deploy(testing.person(mod["hospital"]), slots[0], D(2024, 3, 1), D(2025, 3, 1))
    ParityTarget.objects.create(category="expert", year=2024, target_percent=21, source="x")

    (row,) = national.women_share(viewer)

    assert row.target == 21 and row.meets_target is False


def test_the_estimate_takes_each_months_rate_when_the_rate_changes_inside_a_deployment(mod, viewer):
    slots = positions(mod["hospital"], 1)
    deploy(testing.person(mod["hospital"]), slots[0], D(2016, 6, 1), D(2016, 7, 31))

    rows = national.reimbursement(viewer, D(2025, 1, 1))

    got = [(r.month, r.person_months, r.rate, r.amount) for r in rows]
    assert got == [
        (D(2016, 6, 1), Decimal("1.00"), Decimal(1332), Decimal("1332.00")),
        (D(2016, 7, 1), Decimal("1.00"), Decimal(1365), Decimal("1365.00")),
    ]


def test_the_estimate_counts_part_months_and_stops_at_today(mod, viewer):
    slots = positions(mod["hospital"], 2)
    # Half of June 2018 (16th to 30th).
    deploy(testing.person(mod["hospital"]), slots[0], D(2018, 6, 16), D(2018, 6, 30))
    # Still out there, planned until 2021: counted only to today, 10 January 2020.
    deploy(
        testing.person(mod["hospital"]),
        slots[1],
        D(2019, 12, 1),
        state=State.DEPLOYED,
        ends_on=D(2021, 12, 31),
    )

    rows = national.reimbursement(viewer, D(2020, 1, 10))

    got = [(r.month, r.person_months, r.amount, r.confirmed) for r in rows]
    assert got == [
        (D(2018, 6, 1), Decimal("0.50"), Decimal("705.00"), True),
        (D(2019, 12, 1), Decimal("1.00"), Decimal("1448.00"), False),
        (D(2020, 1, 1), Decimal("0.32"), Decimal("467.10"), False),
    ]
    years = national.reimbursement_by_year(rows)
    assert [(y["year"], y["unconfirmed"]) for y in years] == [
        (2018, False),
        (2019, True),
        (2020, True),
    ]


def test_a_medal_is_due_on_exactly_the_qualifying_day_and_not_the_day_before(mod, viewer):
    org = mod["hospital"]
    slots = positions(org, 3)
    abyei = positions(org, 2, mission="UNISFA", days=60)
    # 1 January to 31 March 2023 is 90 days counting both ends.
    deploy(testing.person(org), slots[0], D(2023, 1, 1), D(2023, 3, 31))
    deploy(testing.person(org), slots[1], D(2023, 1, 1), D(2023, 3, 30))
    # Still deployed: its 90th day is today.
    deploy(testing.person(org), slots[2], D(2023, 3, 3), state=State.DEPLOYED)
    # UNISFA's medal asks 60 days: 1 January to 1 March 2023 is 60.
    deploy(testing.person(org), abyei[0], D(2023, 1, 1), D(2023, 3, 1))
    deploy(testing.person(org), abyei[1], D(2023, 1, 1), D(2023, 2, 27))

    rows = national.medals_due(viewer, D(2023, 5, 31))

    assert [(r.mission, r.qualifying_days, r.deployments) for r in rows] == [
        ("UNISFA", 60, 1),
        ("UNMISS", 90, 2),
    ]


def test_another_ministrys_deployments_are_not_counted(mod, mps, viewer, police_officer_user):
    ours = positions(mod["hospital"], 1)
    theirs = positions(mps["police"], 2, category="fpu")
    deploy(testing.person(mod["hospital"]), ours[0], D(2022, 1, 1), D(2022, 12, 31))
    for position in theirs:
        deploy(testing.person(mps["police"], sex="F"), position, D(2022, 1, 1), D(2022, 12, 31))

    assert [(r.year, r.people) for r in national.dispatched_per_year(viewer)] == [(2022, 1)]
    assert [r.category for r in national.women_share(viewer)] == ["troops"]
    assert sum(r.person_months for r in national.reimbursement(viewer, D(2023, 1, 1))) == 12
    assert [(r.mission, r.people) for r in national.medals_due(viewer, D(2023, 1, 1))] == [
        ("UNMISS", 1)
    ]
    assert national.dispatched_per_year(police_officer_user)[0].people == 2


def test_the_page_shows_every_table_in_a_bounded_number_of_queries(
    client, mod, viewer, django_assert_max_num_queries
):
    org = mod["hospital"]
    slots = positions(org, 30)
    for index, position in enumerate(slots):
        sex = "F" if index % 5 == 0 else "M"
        arrived = D(2018 + index % 6, 1 + index % 12, 1)
        deploy(testing.person(org, sex=sex), position, arrived, arrived + datetime.timedelta(400))
    client.force_login(viewer)
    # The first view after a change recounts the organisation's tallies: a fixed dozen more.
    with django_assert_max_num_queries(40):
        client.get(URL)

    with django_assert_max_num_queries(20):
        response = client.get(URL)

    assert response.status_code == 200
    text = response.content.decode()
    for table in ("deployed", "dispatched", "women", "reimbursement", "medals"):
        assert f'data-testid="{table}"' in text
        assert f"?export={table}" in text
    assert "no target set" in text  # 2019, 2020, ... have no confirmed target for troops
    assert "uses an unconfirmed rate" in text


def test_each_table_downloads_as_csv(client, mod, viewer):
    slots = positions(mod["hospital"], 2)
    person = testing.person(mod["hospital"])
    deploy(person, slots[0], D(2019, 5, 1), D(2020, 4, 30))
    deploy(person, slots[1], D(2021, 5, 1), D(2022, 4, 30))
    client.force_login(viewer)

    response = client.get(URL, {"export": "dispatched"})

    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("year,people,person_deployments")
    assert lines[1:] == ["2019,1,1,1,1,1", "2021,1,1,0,1,2"]
    medals = client.get(URL, {"export": "medals"}).content.decode().splitlines()
    assert medals == ["mission,qualifying_days,deployments,people", "UNMISS,90,2,1"]
    assert client.get(URL, {"export": "nonsense"}).status_code == 404


def test_it_refuses_a_user_who_may_not_view_deployments(client, db):
    from django.contrib.auth.models import User

    stranger = User.objects.create_user("stranger", password="pass-word-42")
    client.force_login(stranger)

    assert client.get(URL).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("page", ["stats:un_ranking", "stats:un_system"])
def test_the_un_figures_pages_link_to_the_national_figures(client, viewer, page):
    client.force_login(viewer)

    assert URL in client.get(reverse(page)).content.decode()


def test_the_deployed_now_total_row_adds_up_men_women_and_everyone(client, mod, viewer):
    slots = positions(mod["hospital"], 3)
    for slot, sex in zip(slots, "MMF", strict=True):
        deploy(testing.person(mod["hospital"], sex=sex), slot, D(2025, 1, 1), state=State.DEPLOYED)
    client.force_login(viewer)

    html = client.get(URL).content.decode()

    table = html[html.index('data-testid="deployed"') :]
    total = table[table.index("<tfoot>") : table.index("</tfoot>")]
    cells = [cell.split("<")[0] for cell in total.split('class="text-end">')[1:]]
    assert cells == ["2", "1", "3"]


def test_the_home_page_and_the_national_page_count_the_same_people_deployed_now(
    client, mod, viewer
):
    today = datetime.date.today()
    slots = positions(mod["hospital"], 3)
    deploy(
        testing.person(mod["hospital"]),
        slots[0],
        today - datetime.timedelta(30),
        state=State.DEPLOYED,
    )
    # Left on time on paper, but the arrival was recorded later than today: not there yet.
    deploy(
        testing.person(mod["hospital"]),
        slots[1],
        today + datetime.timedelta(3),
        state=State.DEPLOYED,
        starts_on=today - datetime.timedelta(5),
    )
    # Back home yesterday.
    deploy(
        testing.person(mod["hospital"], sex="F"),
        slots[2],
        today - datetime.timedelta(200),
        today - datetime.timedelta(1),
    )
    client.force_login(viewer)

    home = client.get("/").context["deployed_total"]
    national_total = sum(row.total for row in national.deployed_now(viewer, today))

    assert home == national_total == 1
