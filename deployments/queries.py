"""Read-only questions about deployments, asked by the home page and reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When

from core.text import fold
from deployments.models import Deployment, State
from people.models import Person
from units.models import Position


def on_mission(day: datetime.date) -> Q:
    """Deployments whose person is in the mission area on `day`.

    From the recorded arrival (the planned start when none was recorded) to the real return,
    or to the planned end while the person is still out there.
    """
    still_out, back_from_today = on_mission_parts(day)
    return still_out | back_from_today


def on_mission_parts(day: datetime.date) -> tuple[Q, Q]:
    """`on_mission` as two conditions, one per state, each served by an index of its own.

    Grouped over the OR of both, SQLite plans a scan of every mission's rotations (100 s at
    500,000 deployments); one query per part reads a few thousand rows by the state indexes.
    """
    arrived = Q(arrived_on__lte=day) | Q(arrived_on__isnull=True, starts_on__lte=day)
    return (
        arrived & Q(state=State.DEPLOYED, ends_on__gte=day),
        arrived & Q(state=State.REPATRIATED, returned_on__gte=day),
    )


def deployed_now_by_mission(user: Any, day: datetime.date) -> list[dict[str, Any]]:
    """People in the mission area on `day` (see `on_mission`), by mission and category.

    The home page and the national figures both count from here, so they always agree.
    """
    from units.models import Category

    keys = (
        "position__rotation__mission__code",
        "position__rotation__mission_id",
        "position__rotation__unit_type__category",
    )
    counted: dict[tuple[Any, ...], list[int]] = {}
    # The two parts hold different states, so no deployment is counted twice.
    for part in on_mission_parts(day):
        grouped = (
            Deployment.objects.restrict(user, "view")
            .filter(part)
            .values(*keys)
            .annotate(total=Count("id"), women=Count("id", filter=Q(person__sex="F")))
            .order_by()
        )
        for row in grouped:
            cell = counted.setdefault(tuple(row[key] for key in keys), [0, 0])
            cell[0] += row["total"]
            cell[1] += row["women"]
    labels = dict(Category.choices)
    return [
        {
            "mission": code,
            "mission_id": mission_id,
            "category_code": category,
            "category": labels.get(category, ""),
            "total": total,
            "women": women,
        }
        for (code, mission_id, category), (total, women) in sorted(counted.items())
    ]


def overlapping(starts_on: datetime.date, ends_on: datetime.date) -> Q:
    """Live or completed deployments sharing at least one day with the period (both inclusive).

    A completed deployment holds its person until the real return; a live one until its
    planned end.
    """
    return (
        Q(starts_on__lte=ends_on)
        & ~Q(state=State.WITHDRAWN)
        & (
            Q(returned_on__isnull=False, returned_on__gte=starts_on)
            | Q(returned_on__isnull=True, ends_on__gte=starts_on)
        )
    )


def nomination_candidates(user: Any, position: Position, text: str = "", limit: int = 20) -> list:
    """People `user` may see for `position`: those of its specialty first, busy ones marked.

    `busy` says the person already has a deployment during the rotation, so the planner sees
    before pressing the button that the nomination would be refused.
    """
    rotation = position.rotation
    people = Person.objects.restrict(user, "view").select_related(
        "rank", "specialty", "organisation"
    )
    text = text.strip()
    if text:
        people = people.filter(Q(search_name__contains=fold(text)) | Q(service_number__iexact=text))
    busy = Exists(
        Deployment.objects.filter(
            overlapping(rotation.starts_on, rotation.ends_on), person=OuterRef("pk")
        )
    )
    fits = (
        Case(When(specialty_id=position.specialty_id, then=Value(1)), default=Value(0))
        if position.specialty_id
        else Value(0)
    )
    return list(
        people.annotate(busy=busy, fits_specialty=fits).order_by(
            "-fits_specialty", "search_name", "pk"
        )[:limit]
    )
