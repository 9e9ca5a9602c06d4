"""Builders for the planner's tests: a unit type with a table as given, candidates with papers."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from core import testing
from people.models import PersonLanguage
from planning.testing import make_ready
from units.models import UnitType

_codes = itertools.count(1)
DEPARTS = datetime.date(2026, 4, 1)
RETURNS = datetime.date(2026, 9, 30)


def table_rotation(
    organisation: Any,
    rows: list[tuple],
    number: int = 1,
    departs: datetime.date = DEPARTS,
    returns: datetime.date = RETURNS,
    women_share: int = 0,
    **extra: Any,
) -> Any:
    """A rotation of a new unit type whose table is `rows`:
    (role, count, specialty or None, rank_min, rank_max, English level or None).
    """
    code = next(_codes)
    kind = UnitType.objects.create(
        code=f"plan-{code}", name=f"Planned unit {code}", category="troops"
    )
    english = testing.language()
    for order, (role, count, specialty, low, high, level) in enumerate(rows):
        row = kind.positions.create(
            order=order, role=role, count=count, specialty=specialty, rank_min=low, rank_max=high
        )
        if level:
            row.languages.create(language=english, level=level)
    return testing.rotation(
        organisation,
        number=number,
        unit_type=kind,
        planned_departure=departs,
        planned_return=returns,
        target_strength=sum(r[1] for r in rows),
        target_women_share=women_share,
        **extra,
    )


def candidate(
    organisation: Any,
    name: str,
    sex: str = "M",
    specialty: Any = None,
    grade: int = 12,
    ready: bool = True,
    english: int | None = None,
    until: datetime.date = RETURNS,
    **extra: Any,
) -> Any:
    """A person of `organisation`; `ready` gives every paper the default requirements ask."""
    rank = testing.rank(name=f"Grade {grade}", grade=grade)
    person = testing.person(organisation, name, sex=sex, specialty=specialty, rank=rank, **extra)
    if ready:
        make_ready(person, until=until)
    if english:
        PersonLanguage.objects.create(person=person, language=testing.language(), level=english)
    return person
