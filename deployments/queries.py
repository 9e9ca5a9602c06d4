"""Read-only questions about deployments, asked by the home page and reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When

from deployments.models import Deployment, State
from people.models import Person
from people.text import fold
from units.models import Position


def on_mission(day: datetime.date) -> Q:
    """Deployments whose person is in the mission area on `day`.

    From the recorded arrival (the planned start when none was recorded) to the real return,
    or to the planned end while the person is still out there.
    """
    arrived = Q(arrived_on__lte=day) | Q(arrived_on__isnull=True, starts_on__lte=day)
    still_there = Q(state=State.DEPLOYED, ends_on__gte=day) | Q(
        state=State.REPATRIATED, returned_on__gte=day
    )
    return arrived & still_there


def deployed_now_by_mission(user: Any, day: datetime.date) -> list[dict[str, Any]]:
    """People in the mission area on `day` (see `on_mission`), by mission and category.

    The home page and the national figures both count from here, so they always agree.
    """
    from units.models import Category

    rows = (
        Deployment.objects.restrict(user, "view")
        .filter(on_mission(day))
        .values(
            "position__rotation__mission__code",
            "position__rotation__mission_id",
            "position__rotation__unit_type__category",
        )
        .annotate(total=Count("id"), women=Count("id", filter=Q(person__sex="F")))
        .order_by("position__rotation__mission__code", "position__rotation__unit_type__category")
    )
    labels = dict(Category.choices)
    return [
        {
            "mission": row["position__rotation__mission__code"],
            "mission_id": row["position__rotation__mission_id"],
            "category_code": row["position__rotation__unit_type__category"],
            "category": labels.get(row["position__rotation__unit_type__category"], ""),
            "total": row["total"],
            "women": row["women"],
        }
        for row in rows
    ]


def overlapping(starts_on: datetime.date, ends_on: datetime.date, prefix: str = "") -> Q:
    """Live or completed deployments sharing at least one day with the period (both inclusive).

    A completed deployment holds its person until the real return; a live one until its
    planned end. `prefix` reaches deployments from another model ("deployments__").
    """
    returned = f"{prefix}returned_on"
    return (
        Q(**{f"{prefix}starts_on__lte": ends_on})
        & ~Q(**{f"{prefix}state": State.WITHDRAWN})
        & (
            Q(**{f"{returned}__isnull": False, f"{returned}__gte": starts_on})
            | Q(**{f"{returned}__isnull": True, f"{prefix}ends_on__gte": starts_on})
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
