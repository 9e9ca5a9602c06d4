"""Read-only questions about rotations: strength, women share, rotations in preparation."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from deployments.models import ACTIVE_STATES
from units.models import Rotation, RotationStatus

PREPARING = [RotationStatus.PLANNING, RotationStatus.FORMING, RotationStatus.READY]


def with_strength(queryset: QuerySet[Rotation]) -> QuerySet[Rotation]:
    """Annotate positions, filled positions and women among those filling them (one query)."""
    filled = Q(positions__deployments__state__in=ACTIVE_STATES)
    return queryset.annotate(
        position_count=Count("positions", distinct=True),
        filled_count=Count("positions__deployments", filter=filled, distinct=True),
        women_count=Count(
            "positions__deployments",
            filter=filled & Q(positions__deployments__person__sex="F"),
            distinct=True,
        ),
    )


def rotations_in_preparation(user: Any, day: datetime.date) -> QuerySet[Rotation]:
    return with_strength(
        Rotation.objects.restrict(user, "view")
        .filter(status__in=PREPARING)
        .select_related("unit_type", "mission", "location")
        .order_by("planned_departure")
    )
