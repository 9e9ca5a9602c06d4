"""Strength and women figures of a rotation, as the rotation page and lists show them."""

import datetime
from decimal import Decimal

import pytest

from core import testing
from units.models import Rotation
from units.nominal_roll import nominal_roll
from units.queries import rotation_positions, strength, with_strength


@pytest.fixture
def hospital_rotation(mod):
    """Four positions, target strength 4 and 25 % women."""
    kind = testing.unit_type("small-hospital", positions=4, name="Small Hospital")
    return testing.rotation(
        mod["hospital"], unit_type=kind, target_strength=4, target_women_share=25
    )


def position(rotation, number):
    return rotation.positions.get(number=number)


def test_an_empty_rotation_has_only_gaps(hospital_rotation):
    figures = strength(hospital_rotation)
    assert (figures.positions, figures.filled, figures.gaps, figures.target) == (4, 0, 4, 4)
    assert figures.women == 0
    assert figures.women_share is None
    assert not figures.below_target


def test_every_live_state_fills_a_position(hospital_rotation, fill):
    for number, state in enumerate(["nominated", "screened", "trained", "approved"], start=1):
        fill(position(hospital_rotation, number), state)
    assert strength(hospital_rotation).filled == 4


def test_a_withdrawn_nomination_leaves_a_gap(hospital_rotation, fill):
    fill(position(hospital_rotation, 1), "withdrawn", sex="F")
    fill(position(hospital_rotation, 2), "deployed", sex="F")
    figures = strength(hospital_rotation)
    assert (figures.filled, figures.gaps, figures.women) == (1, 3, 1)


def test_people_who_came_home_still_count_for_the_rotation(hospital_rotation, fill):
    fill(position(hospital_rotation, 1), "repatriated", sex="F")
    fill(position(hospital_rotation, 2), "deployed")
    figures = strength(hospital_rotation)
    assert (figures.filled, figures.women) == (2, 1)


def test_a_position_filled_again_after_a_return_counts_once(hospital_rotation, fill, planner):
    first = position(hospital_rotation, 1)
    fill(first, "repatriated", sex="F", name="Lê Thị Hoa")
    replacement = fill(first, "nominated", sex="F", name="Phạm Thị Lan")
    figures = strength(hospital_rotation)
    assert (figures.filled, figures.women) == (1, 1)
    holder = rotation_positions(hospital_rotation, planner)[0].holder
    assert holder == replacement


def test_the_women_share_is_of_those_filling_positions(hospital_rotation, fill):
    fill(position(hospital_rotation, 1), "deployed", sex="F")
    fill(position(hospital_rotation, 2), "deployed")
    fill(position(hospital_rotation, 3), "approved")
    figures = strength(hospital_rotation)
    assert figures.women_share == Decimal("33.3")
    assert not figures.below_target
    assert figures.women_needed == 1


def test_a_share_under_the_target_is_flagged(hospital_rotation, fill):
    fill(position(hospital_rotation, 1), "deployed", sex="F")
    for number in (2, 3, 4):
        fill(position(hospital_rotation, number), "deployed", name=f"Người {number}")
    figures = strength(hospital_rotation)
    assert figures.women_share == Decimal("25.0")
    assert not figures.below_target
    position(hospital_rotation, 1).deployments.update(state="withdrawn")
    figures = strength(hospital_rotation)
    assert figures.women_share == Decimal("0.0")
    assert figures.below_target


def test_the_list_annotation_gives_the_same_figures(hospital_rotation, fill):
    fill(position(hospital_rotation, 1), "deployed", sex="F")
    fill(position(hospital_rotation, 2), "withdrawn", sex="F")
    annotated = with_strength(Rotation.objects.filter(pk=hospital_rotation.pk)).get()
    assert (annotated.position_count, annotated.filled_count, annotated.women_count) == (4, 1, 1)


def test_the_positions_filter_shows_gaps_or_filled(hospital_rotation, fill, planner):
    fill(position(hospital_rotation, 2), "trained")
    fill(position(hospital_rotation, 3), "withdrawn")
    assert [p.number for p in rotation_positions(hospital_rotation, planner, "gaps")] == [1, 3, 4]
    assert [p.number for p in rotation_positions(hospital_rotation, planner, "filled")] == [2]
    assert len(rotation_positions(hospital_rotation, planner, "all")) == 4


def test_a_holder_outside_the_users_scope_fills_the_position_without_a_name(
    hospital_rotation, mps, planner
):
    outsider = testing.person(mps["police"], "Đỗ Thị Nga", service="police")
    rotation = hospital_rotation
    from deployments.models import Deployment

    Deployment.objects.create(
        person=outsider,
        position=position(rotation, 1),
        starts_on=rotation.planned_departure,
        ends_on=rotation.planned_return,
    )
    first = rotation_positions(rotation, planner)[0]
    assert first.holder is not None and not first.holder.visible
    assert [p.number for p in rotation_positions(rotation, planner, "gaps")] == [2, 3, 4]


def test_the_page_and_the_roll_name_the_live_holder_before_a_later_one_who_came_home(
    hospital_rotation, fill, planner
):
    first = position(hospital_rotation, 1)
    live = fill(first, "nominated", name="Phạm Thị Lan")
    came_home = fill(first, "repatriated", name="Lê Thị Hoa")
    came_home.starts_on += datetime.timedelta(days=30)  # newer, but no longer there
    came_home.save()

    assert rotation_positions(hospital_rotation, planner)[0].holder == live
    roll = nominal_roll(hospital_rotation, planner)
    assert [(row.number, row.latin_name) for row in roll.rows] == [(1, live.person.latin_name)]
