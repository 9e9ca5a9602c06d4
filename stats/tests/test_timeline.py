"""Rotations on a timeline: /stats/rotations/ and stats.timeline."""

from __future__ import annotations

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from core import testing
from stats import timeline
from units.models import RotationStatus

D = datetime.date
URL = "/stats/rotations/"


def fake_rotation(pk, departs, returns, unit_type=1, mission=1, *, actual=True):
    return SimpleNamespace(
        pk=pk,
        unit_type_id=unit_type,
        mission_id=mission,
        unit_type=SimpleNamespace(name=f"Unit {unit_type}"),
        mission=SimpleNamespace(code=f"M{mission}"),
        starts_on=departs,
        ends_on=returns,
        actual_departure=departs if actual else None,
        actual_return=returns if actual else None,
        status=RotationStatus.RETURNED,
    )


def test_a_bar_spans_its_share_of_the_window():
    drawn = timeline.layout(
        [fake_rotation(1, D(2020, 1, 1), D(2021, 1, 1))],
        D(2019, 1, 1),
        D(2023, 1, 1),
        D(2030, 1, 1),
    )

    bar = drawn.lanes[0].bars[0]
    # 2019-01-01 to 2023-01-01 is 1,461 days; the bar starts after 365 and lasts 366.
    assert bar.x == round(365 / 1461 * timeline.WIDTH, 1)
    assert bar.width == pytest.approx(366 / 1461 * timeline.WIDTH, abs=0.1)
    assert [tick.year for tick in drawn.ticks] == [2019, 2020, 2021, 2022, 2023]
    assert drawn.today_x is None  # today lies outside the window


def test_overlapping_rotations_of_one_unit_take_separate_rows_and_successors_reuse_them():
    rotations = [
        fake_rotation(1, D(2020, 1, 1), D(2021, 1, 10)),
        fake_rotation(2, D(2021, 1, 1), D(2022, 1, 1)),  # hand-over: ten days together
        fake_rotation(3, D(2021, 2, 1), D(2022, 2, 1)),  # the first row is free again
        fake_rotation(4, D(2020, 6, 1), D(2020, 9, 1), unit_type=2),
    ]

    drawn = timeline.layout(rotations, D(2020, 1, 1), D(2022, 12, 31), D(2021, 6, 1))

    first, second = drawn.lanes
    assert [bar.row for bar in first.bars] == [0, 1, 0]
    assert first.rows == 2
    assert second.y == 2 * timeline.ROW_HEIGHT + timeline.LANE_GAP
    assert second.bars[0].y == second.y
    assert drawn.today_x is not None


def test_a_rotation_reaching_past_the_window_is_cut_at_its_edge():
    drawn = timeline.layout(
        [fake_rotation(1, D(2018, 6, 1), D(2026, 6, 1), actual=False)],
        D(2020, 1, 1),
        D(2021, 12, 31),
        D(2021, 1, 1),
    )

    bar = drawn.lanes[0].bars[0]
    assert (bar.x, bar.x + bar.width) == (0, timeline.WIDTH)
    assert bar.planned


@pytest.fixture
def rotations(mod, mps):
    hospital = testing.unit_type("l2-hospital", positions=2, name="Level-2 Field Hospital")
    observer = testing.unit_type(
        "observer", positions=1, name="Military Observer", category="expert"
    )
    fpu = testing.unit_type("fpu", positions=2, name="Formed Police Unit", category="fpu")
    unmiss = testing.mission("UNMISS")
    minusca = testing.mission("MINUSCA")
    made = {
        "hospital 1": testing.rotation(
            mod["hospital"],
            1,
            unit_type=hospital,
            mission=unmiss,
            planned_departure=D(2018, 10, 1),
            planned_return=D(2019, 11, 28),
            actual_departure=D(2018, 10, 1),
            actual_return=D(2019, 11, 28),
            status=RotationStatus.RETURNED,
        ),
        "hospital 2": testing.rotation(
            mod["hospital"],
            2,
            unit_type=hospital,
            mission=unmiss,
            planned_departure=D(2019, 11, 19),
            planned_return=D(2021, 4, 24),
            status=RotationStatus.RETURNED,
        ),
        "observer": testing.rotation(
            mod["department"],
            1,
            unit_type=observer,
            mission=minusca,
            planned_departure=D(2019, 1, 1),
            planned_return=D(2020, 1, 1),
        ),
        "police": testing.rotation(
            mps["police"],
            1,
            unit_type=fpu,
            mission=unmiss,
            planned_departure=D(2027, 6, 1),
            planned_return=D(2028, 6, 1),
        ),
    }
    return made


def lanes(response) -> list[str]:
    return [f"{lane.unit_type} · {lane.mission}" for lane in response.context["timeline"].lanes]


def bars(response) -> list[str]:
    return [str(bar.rotation) for lane in response.context["timeline"].lanes for bar in lane.bars]


def test_it_shows_the_formed_units_the_user_may_see_by_default(client, viewer, rotations):
    client.force_login(viewer)

    response = client.get(URL, {"first_year": 2018, "last_year": 2028})

    assert response.status_code == 200
    assert lanes(response) == ["Level-2 Field Hospital · UNMISS"]
    assert bars(response) == [
        "Level-2 Field Hospital Rotation 1",
        "Level-2 Field Hospital Rotation 2",
    ]
    text = response.content.decode()
    assert text.count('data-testid="bar"') == 2
    assert reverse("units:rotation", args=[rotations["hospital 1"].pk]) in text
    assert "Formed Police Unit" not in text  # the police ministry's rotation


def test_individual_posts_and_a_mission_are_a_filter_away(client, viewer, rotations):
    client.force_login(viewer)

    individual = client.get(URL, {"kind": "individual", "first_year": 2018})
    everything = client.get(URL, {"kind": "all", "mission": rotations["observer"].mission_id})

    assert lanes(individual) == ["Military Observer · MINUSCA"]
    assert lanes(everything) == ["Military Observer · MINUSCA"]


def test_the_years_default_to_the_first_departure_and_next_year(client, viewer, rotations):
    client.force_login(viewer)

    drawn = client.get(URL).context["timeline"]

    assert drawn.start == D(2018, 1, 1)
    assert drawn.end.year == datetime.date.today().year + 1


def test_years_in_the_wrong_order_are_refused_on_the_field_and_the_rest_still_filters(
    client, viewer, rotations
):
    client.force_login(viewer)
    asked = {"kind": "all", "mission": rotations["observer"].mission_id}

    response = client.get(URL, {**asked, "first_year": 2018, "last_year": 2010})
    export = client.get(URL, {**asked, "first_year": 2018, "last_year": 2010, "export": "csv"})

    assert response.status_code == 400
    assert "The last year comes before the first." in response.content.decode()
    assert 'data-testid="error-last_year"' in response.content.decode()
    assert lanes(response) == ["Military Observer · MINUSCA"]
    # No CSV that looks filtered but is not: the page with the error instead.
    assert export.status_code == 400
    assert export["Content-Type"].startswith("text/html")


def test_two_unit_types_of_one_name_keep_two_lanes_in_a_stable_order(client, viewer, mod):
    place = testing.mission("UNMISS")
    twins = [testing.unit_type(f"twin-{n}", positions=1, name="Signals Company") for n in (1, 2)]
    for kind in reversed(twins):
        testing.rotation(mod["hospital"], 1, unit_type=kind, mission=place)
    client.force_login(viewer)

    drawn = client.get(URL, {"first_year": 2020}).context["timeline"]

    assert [lane.bars[0].rotation.unit_type_id for lane in drawn.lanes] == [t.pk for t in twins]


def test_the_csv_lists_every_rotation_of_the_filters_with_its_strength(client, viewer, rotations):
    client.force_login(viewer)

    response = client.get(URL, {"kind": "all", "first_year": 2018, "export": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == timeline_header()
    assert [(r[2], r[4], r[7], r[8]) for r in rows[1:]] == [
        ("Level-2 Field Hospital Rotation 1", "Returned", "actual", "2"),
        ("Level-2 Field Hospital Rotation 2", "Returned", "planned", "2"),
        ("Military Observer Rotation 1", "Planning", "planned", "1"),
    ]


def timeline_header() -> list[str]:
    from stats.views import TIMELINE_CSV_HEADER

    return TIMELINE_CSV_HEADER


def test_lanes_are_paged_and_the_pages_keep_the_filters(
    client, viewer, mod, django_assert_max_num_queries
):
    place = testing.mission("UNMISS")
    for index in range(14):
        kind = testing.unit_type(f"unit-{index:02}", positions=1, name=f"Unit {index:02}")
        testing.rotation(mod["hospital"], 1, unit_type=kind, mission=place)
    client.force_login(viewer)

    with django_assert_max_num_queries(14):
        first = client.get(URL, {"first_year": 2020, "last_year": 2024})
    second = client.get(URL, {"first_year": 2020, "last_year": 2024, "page": 2})

    assert len(lanes(first)) == 8 and len(lanes(second)) == 6
    assert "first_year=2020&amp;last_year=2024&amp;page=2" in first.content.decode()


def test_the_rotations_list_links_to_the_timeline(client, viewer):
    client.force_login(viewer)

    assert 'href="/stats/rotations/"' in client.get("/units/rotations/").content.decode()


def test_a_user_without_the_rotations_permission_is_refused(client, mod, rotations):
    from django.contrib.auth.models import Group, Permission

    # A role that reads people only: no rotations, no deployments.
    Group.objects.create(name="Register only").permissions.set(
        Permission.objects.filter(codename="view_person")
    )
    outsider = testing.user("outsider", "Register only", mod["department"])
    client.force_login(outsider)

    assert client.get(URL).status_code == 403


@pytest.mark.browser
def test_a_bar_leads_to_its_rotation(page, sign_in, viewer, rotations):
    sign_in(viewer)

    page.goto(f"{URL}?first_year=2018&last_year=2022")
    bar = page.locator("[data-testid=bar]").first
    assert "Level-2 Field Hospital Rotation 1" in bar.locator("title").text_content()
    bar.click()

    page.wait_for_url(f"**{reverse('units:rotation', args=[rotations['hospital 1'].pk])}")
    assert "Level-2 Field Hospital Rotation 1" in page.locator("h1").inner_text()
