"""Rotations on a timeline: one lane per unit line (unit type in a mission), one bar each.

A lane holds a unit's successive rotations; where two overlap (a handover, or individual
posts held side by side) the later one drops to a row of its own, so no bar hides another.
Geometry is worked out here, in the drawing's own units, so the template only places it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q, QuerySet

from units.models import Category, Rotation
from units.queries import set_strength, with_dates

# Formed units are what the timeline shows first; individual posts are one click away.
FORMED_UNITS = [Category.TROOPS, Category.FORMED_POLICE]
WIDTH = 1000  # the bars' area, in the drawing's own units (the SVG scales it to the page)
LABEL_WIDTH = 230  # the lane names, left of the bars
DEFAULT_YEARS = 12
# Names first, for the reader; ids last, so that two unit types of one name keep one order.
LANE_ORDER = ["unit_type__name", "mission__code", "unit_type_id", "mission_id"]
ROW_HEIGHT = 22
LANE_GAP = 12


@dataclass
class Bar:
    rotation: Any  # a Rotation annotated by units.queries.with_strength
    row: int
    x: float
    width: float
    # The departure or return shown is still the planned one.
    planned: bool
    y: float = 0


@dataclass
class Lane:
    unit_type: str
    mission: str
    bars: list[Bar] = field(default_factory=list)
    rows: int = 1
    y: float = 0

    @property
    def height(self) -> int:
        return self.rows * ROW_HEIGHT


@dataclass
class Tick:
    year: int
    x: float


@dataclass
class Timeline:
    start: datetime.date
    end: datetime.date
    lanes: list[Lane]
    ticks: list[Tick]
    today_x: float | None
    height: float


def rotations_between(
    rotations: QuerySet[Rotation], start: datetime.date, end: datetime.date
) -> QuerySet[Rotation]:
    """The rotations out in the field (or planned to be) at some time from `start` to `end`."""
    return (
        with_dates(rotations)
        .filter(departure__lte=end, return_on__gte=start)
        .select_related("unit_type", "mission", "organisation")
        .order_by(*LANE_ORDER, "departure", "number")
    )


def only(rotations: QuerySet[Rotation], kind: str) -> QuerySet[Rotation]:
    """ "units": formed units (troops, police units); "individual": the other posts; else all."""
    formed = Q(unit_type__category__in=FORMED_UNITS)
    if kind == "units":
        return rotations.filter(formed)
    if kind == "individual":
        return rotations.exclude(formed)
    return rotations


def lane_keys(rotations: QuerySet[Rotation]) -> list[tuple[int, int]]:
    """(unit type id, mission id) of every lane, in the order the lanes are drawn."""
    return list(
        rotations.order_by(*LANE_ORDER).values_list("unit_type_id", "mission_id").distinct()
    )


def layout(
    rotations: list[Any], start: datetime.date, end: datetime.date, today: datetime.date
) -> Timeline:
    """Place `rotations` (ordered by lane, then departure) between `start` and `end`."""
    span = max((end - start).days, 1)

    def x(day: datetime.date) -> float:
        clipped = min(max(day, start), end)
        return round((clipped - start).days / span * WIDTH, 1)

    lanes: dict[tuple[int, int], Lane] = {}
    row_ends: dict[tuple[int, int], list[datetime.date]] = {}
    for rotation in rotations:
        key = (rotation.unit_type_id, rotation.mission_id)
        lane = lanes.get(key)
        if lane is None:
            lane = lanes[key] = Lane(rotation.unit_type.name, rotation.mission.code)
            row_ends[key] = []
        departs, returns = rotation.starts_on, rotation.ends_on
        ends = row_ends[key]
        # The first row free by this departure; a new row when every one is still out.
        row = next((index for index, last in enumerate(ends) if last < departs), len(ends))
        if row == len(ends):
            ends.append(max(departs, returns))
        else:
            ends[row] = max(departs, returns)
        left = x(departs)
        lane.bars.append(
            Bar(
                rotation=rotation,
                row=row,
                x=left,
                width=max(x(returns) - left, 2.0),
                planned=rotation.actual_departure is None or rotation.actual_return is None,
            )
        )
        lane.rows = len(ends)
    top = 0.0
    for lane in lanes.values():
        lane.y = top
        for bar in lane.bars:
            bar.y = top + bar.row * ROW_HEIGHT
        top += lane.height + LANE_GAP
    ticks = [
        Tick(year, x(datetime.date(year, 1, 1)))
        for year in range(start.year + (start.month > 1 or start.day > 1), end.year + 1)
    ]
    today_x = x(today) if start <= today <= end else None
    return Timeline(start, end, list(lanes.values()), ticks, today_x, max(top - LANE_GAP, 0))


def in_lanes(rotations: QuerySet[Rotation], keys: list[tuple[int, int]]) -> list[Rotation]:
    """Only the rotations of these lanes (one page of them), with their strength."""
    condition = Q(pk__in=[])
    for unit_type, mission in keys:
        condition |= Q(unit_type_id=unit_type, mission_id=mission)
    return set_strength(list(rotations.filter(condition)))


def window(
    rotations: QuerySet[Rotation], today: datetime.date, asked: dict[str, Any]
) -> tuple[datetime.date, datetime.date]:
    """The years shown: those asked for, else from the first departure (at most
    `DEFAULT_YEARS` back) to the end of next year, so planned rotations show too."""
    first, last = asked.get("first_year"), asked.get("last_year")
    if not first:
        earliest = with_dates(rotations).aggregate(earliest=Min("departure"))["earliest"]
        first = max(earliest.year if earliest else today.year, today.year - DEFAULT_YEARS + 1)
        if last:
            first = min(first, last)
    if not last:
        last = max(today.year + 1, first)
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)
