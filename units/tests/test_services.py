"""generate_positions: the rotation's positions come from the unit type's table."""

import pytest
from django.core.exceptions import ValidationError

from core import testing
from units.models import Position, PositionLanguageRequirement
from units.services import generate_positions


@pytest.fixture
def engineers(db):
    """A small engineering company table: 1 commander (English B2), 3 sappers."""
    kind = testing.unit_type("engineers", positions=0, name="Engineering Company")
    commander = kind.positions.create(
        order=1, role="Company commander", count=1, rank_min=13, rank_max=14
    )
    commander.languages.create(language=testing.language("en", "English"), level=4)
    commander.languages.create(language=testing.language("fr", "French"), level=2)
    kind.positions.create(order=2, role="Sapper", count=3, specialty=testing.specialty())
    return kind


def test_it_makes_one_position_per_person_of_the_table(mod, engineers):
    rotation = testing.rotation(mod["hospital"], unit_type=engineers, with_positions=False)
    generate_positions(rotation)
    positions = list(rotation.positions.order_by("number"))
    assert [(p.number, p.role) for p in positions] == [
        (1, "Company commander"),
        (2, "Sapper"),
        (3, "Sapper"),
        (4, "Sapper"),
    ]
    assert positions[0].rank_range == "OF-3 – OF-4"
    assert positions[1].specialty.name == "Surgeon"


def test_it_copies_the_language_requirements(mod, engineers):
    rotation = testing.rotation(mod["hospital"], unit_type=engineers, with_positions=False)
    generate_positions(rotation)
    commander = rotation.positions.get(number=1)
    assert sorted(str(req) for req in commander.languages.all()) == ["English B2", "French A2"]
    assert not rotation.positions.get(number=2).languages.exists()


def test_it_refuses_to_generate_twice(mod, engineers):
    rotation = testing.rotation(mod["hospital"], unit_type=engineers, with_positions=False)
    generate_positions(rotation)
    with pytest.raises(ValidationError, match="already has its positions"):
        generate_positions(rotation)
    assert rotation.positions.count() == 4


def test_it_records_who_generated_the_positions(mod, engineers, planner):
    rotation = testing.rotation(mod["hospital"], unit_type=engineers, with_positions=False)
    generate_positions(rotation, by=planner)
    created = Position.history.filter(rotation_id=rotation.pk, history_type="+")
    assert created.count() == 4
    assert set(created.values_list("history_user__username", flat=True)) == {"planner"}
    language_history = PositionLanguageRequirement.history.filter(history_type="+")
    assert language_history.count() == 2
