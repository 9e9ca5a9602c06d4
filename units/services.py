"""Making rotations: the defaults of a new one and its positions from the unit type's table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from units.models import Position, PositionLanguageRequirement, Rotation


def fill_new_rotation_defaults(values: dict[str, Any]) -> None:
    """Complete the values of a rotation being created, in place: what is left out (None).

    The number is the next one of its unit type in its mission; the target strength the
    establishment of the unit type's table. The rotation form and the API both call this, and
    only on creation: a rotation already recorded keeps the number it is known by.
    """
    unit_type, mission = values.get("unit_type"), values.get("mission")
    if values.get("number") is None and unit_type and mission:
        values["number"] = Rotation.next_number(unit_type.pk, mission.pk)
    if values.get("target_strength") is None and unit_type:
        values["target_strength"] = unit_type.establishment


def generate_positions(rotation: Rotation, by: Any = None) -> list[Position]:
    """Create the rotation's positions from its unit type's table, one row per person.

    Refused when the rotation already has positions: regenerating would orphan the people
    nominated to them. The positions are ordinary records afterwards, edited one by one.
    """
    with transaction.atomic():
        if rotation.positions.exists():
            raise ValidationError(_("This rotation already has its positions."))
        table = list(
            rotation.unit_type.positions.select_related("specialty").prefetch_related("languages")
        )
        positions: list[Position] = []
        languages: list[PositionLanguageRequirement] = []
        number = 0
        for row in table:
            for _copy in range(row.count):
                number += 1
                position = Position(
                    rotation=rotation,
                    number=number,
                    role=row.role,
                    specialty=row.specialty,
                    rank_min=row.rank_min,
                    rank_max=row.rank_max,
                    notes=row.notes,
                    template=row,
                )
                positions.append(position)
        # One insert for the whole table (184 rows for an engineering company), with history.
        positions = bulk_create_with_history(positions, Position, default_user=by)
        for position in positions:
            for requirement in position.template.languages.all():
                languages.append(
                    PositionLanguageRequirement(
                        position=position, language=requirement.language, level=requirement.level
                    )
                )
        bulk_create_with_history(languages, PositionLanguageRequirement, default_user=by)
    return positions
