"""Read-only questions about deployments, asked by the home page and reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q

from deployments.models import Deployment, State


def on_mission(day: datetime.date) -> Q:
    """Deployments whose person is in the mission area on `day`."""
    return Q(state=State.DEPLOYED, starts_on__lte=day, ends_on__gte=day) | Q(
        state=State.REPATRIATED, starts_on__lte=day, returned_on__gte=day
    )


def deployed_now_by_mission(user: Any, day: datetime.date) -> list[dict[str, Any]]:
    """People in the field on `day`, counted by mission and personnel category."""
    rows = (
        Deployment.objects.restrict(user, "view")
        .filter(state=State.DEPLOYED, starts_on__lte=day)
        .values(
            "position__rotation__mission__code",
            "position__rotation__mission_id",
            "position__rotation__unit_type__category",
        )
        .annotate(total=Count("id"), women=Count("id", filter=Q(person__sex="F")))
        .order_by("position__rotation__mission__code", "position__rotation__unit_type__category")
    )
    from units.models import Category

    labels = dict(Category.choices)
    return [
        {
            "mission": row["position__rotation__mission__code"],
            "mission_id": row["position__rotation__mission_id"],
            "category": labels.get(row["position__rotation__unit_type__category"], ""),
            "total": row["total"],
            "women": row["women"],
        }
        for row in rows
    ]
