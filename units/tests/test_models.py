"""Rules of unit types, rotations and positions, checked where they live: the models."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import testing
from missions.models import Location
from units.models import Position, Rotation, UnitTypePosition


def errors_of(record):
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_it_refuses_a_return_before_the_departure(mod):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    rotation.planned_return = rotation.planned_departure - datetime.timedelta(days=1)
    assert "planned_return" in errors_of(rotation)


def test_it_refuses_an_actual_return_before_the_actual_departure(mod):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    rotation.actual_departure = datetime.date(2022, 5, 1)
    rotation.actual_return = datetime.date(2022, 4, 1)
    assert list(errors_of(rotation)) == ["actual_return"]


def test_it_refuses_a_location_of_another_mission(mod):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    abyei = Location.objects.create(mission=testing.mission("UNISFA"), name="Abyei")
    rotation.location = abyei
    assert errors_of(rotation)["location"] == ["This location belongs to another mission."]


def test_it_accepts_a_location_of_its_own_mission(mod):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    rotation.location = Location.objects.create(mission=rotation.mission, name="Bentiu")
    rotation.full_clean()


@pytest.mark.parametrize("share", [-1, 100.5, 250])
def test_it_refuses_a_women_share_outside_0_to_100(mod, share):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    rotation.target_women_share = share
    assert "target_women_share" in errors_of(rotation)


@pytest.mark.parametrize("share", [0, 15, 100])
def test_it_accepts_a_women_share_from_0_to_100(mod, share):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    rotation.target_women_share = share
    rotation.full_clean()


def test_it_puts_a_taken_rotation_number_on_the_number_field(mod):
    first = testing.rotation(mod["hospital"], number=4, with_positions=False)
    twin = Rotation(
        organisation=mod["hospital"],
        unit_type=first.unit_type,
        mission=first.mission,
        number=4,
        planned_departure=datetime.date(2024, 1, 1),
        planned_return=datetime.date(2025, 1, 1),
        target_strength=63,
    )
    errors = errors_of(twin)
    assert errors["number"] == [
        "This unit type already has a rotation with this number in this mission."
    ]
    assert "__all__" not in errors


def test_the_same_number_is_free_in_another_mission(mod):
    first = testing.rotation(mod["hospital"], number=1, with_positions=False)
    other = testing.rotation(
        mod["hospital"], number=1, with_positions=False, mission=testing.mission("UNISFA")
    )
    assert other.number == first.number


def test_it_names_a_rotation_after_its_unit_type_and_number(mod):
    rotation = testing.rotation(mod["hospital"], number=6, with_positions=False)
    assert rotation.name == "Level-2 Field Hospital Rotation 6"


def test_a_rotation_made_by_a_user_reading_vietnamese_is_still_named_in_english(mod):
    with translation.override("vi"):
        rotation = testing.rotation(mod["hospital"], number=7, with_positions=False)

    # The name is stored and printed on the UN nominal roll.
    assert rotation.name == "Level-2 Field Hospital Rotation 7"


def test_the_next_number_follows_the_highest(mod):
    first = testing.rotation(mod["hospital"], number=3, with_positions=False)
    assert Rotation.next_number(first.unit_type_id, first.mission_id) == 4
    other_mission = testing.mission("UNISFA")
    assert Rotation.next_number(first.unit_type_id, other_mission.pk) == 1


def test_it_refuses_a_rank_range_upside_down(mod):
    kind = testing.unit_type()
    row = UnitTypePosition(unit_type=kind, role="Surgeon", rank_min=14, rank_max=12)
    assert errors_of(row)["rank_max"] == ["The highest rank is below the lowest."]


def test_it_shows_a_rank_range_in_grades():
    row = UnitTypePosition(role="Surgeon", rank_min=12, rank_max=14)
    assert row.rank_range == "OF-2 – OF-4"
    assert UnitTypePosition(role="Driver", rank_min=4, rank_max=4).rank_range == "OR-4"


def test_it_refuses_a_table_row_of_no_one(mod):
    row = UnitTypePosition(unit_type=testing.unit_type(), role="Cook", count=0)
    assert "count" in errors_of(row)


def test_it_puts_a_taken_position_number_on_the_number_field(mod):
    rotation = testing.rotation(mod["hospital"])
    twin = Position(rotation=rotation, number=2, role="Nurse", rank_min=13, rank_max=11)
    errors = errors_of(twin)
    assert errors["number"] == ["This rotation already has a position with this number."]
    assert "rank_max" in errors  # every broken rule is reported at once


def test_the_establishment_is_the_sum_of_the_table(db):
    kind = testing.unit_type(positions=0)
    kind.positions.create(role="Surgeon", count=4)
    kind.positions.create(role="Nurse", count=20)
    assert kind.establishment == 24
