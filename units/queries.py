"""Read-only questions about rotations: strength, women share, positions, rotations in preparation.

A position counts as filled while a deployment holds it (nominated up to deployed) and also
once that person has come home (repatriated): a rotation that has returned keeps the strength
it served with. A withdrawn nomination leaves the position empty again.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from deployments.models import ACTIVE_STATES, Deployment, State
from units.models import Position, PositionLanguageRequirement, Rotation, RotationStatus

PREPARING = [RotationStatus.PLANNING, RotationStatus.FORMING, RotationStatus.READY]
SERVING_STATES = [*ACTIVE_STATES, State.REPATRIATED]

POSITION_FILTERS = ("all", "gaps", "filled")


def with_strength(queryset: QuerySet[Rotation]) -> QuerySet[Rotation]:
    """Annotate positions, filled positions and women among those filling them (one query).

    Positions are counted, not deployments, so a position filled again after a repatriation
    counts once.
    """
    served = Q(positions__deployments__state__in=SERVING_STATES)
    return queryset.annotate(
        position_count=Count("positions", distinct=True),
        filled_count=Count("positions", filter=served, distinct=True),
        women_count=Count(
            "positions",
            filter=served & Q(positions__deployments__person__sex="F"),
            distinct=True,
        ),
    )


def set_strength(rotations: list[Rotation]) -> list[Rotation]:
    """Give each of `rotations` the three counts of `with_strength`, in two grouped queries.

    For a page of many large rotations: grouping positions and deployments separately by
    rotation is several times faster than `with_strength`'s one join of both.
    """
    positions: dict[int, int] = {}
    filled: dict[int, dict[str, int]] = {}
    ids = [rotation.pk for rotation in rotations]
    # In chunks: a whole export's ids in one IN () would pass SQLite's parameter limit.
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        positions.update(
            Position.objects.filter(rotation__in=chunk)
            .values("rotation")
            .annotate(n=Count("id"))
            .values_list("rotation", "n")
            .order_by()
        )
        served = Deployment.objects.filter(position__rotation__in=chunk, state__in=SERVING_STATES)
        for row in (
            served.values("position__rotation")
            .annotate(
                filled=Count("position", distinct=True),
                women=Count("position", distinct=True, filter=Q(person__sex="F")),
            )
            .order_by()
        ):
            filled[row["position__rotation"]] = row
    for rotation in rotations:
        found = filled.get(rotation.pk, {})
        rotation.position_count = positions.get(rotation.pk, 0)
        rotation.filled_count = found.get("filled", 0)
        rotation.women_count = found.get("women", 0)
    return rotations


def with_dates(queryset: QuerySet[Rotation]) -> QuerySet[Rotation]:
    """Annotate the departure and return that count: the actual ones once known."""
    return queryset.annotate(
        departure=Coalesce(F("actual_departure"), F("planned_departure")),
        return_on=Coalesce(F("actual_return"), F("planned_return")),
    )


def table_rows(queryset: QuerySet[Rotation]) -> QuerySet[Rotation]:
    """Rotations as a rotations table shows them: names, dates and strength, in one query."""
    return with_strength(
        with_dates(queryset.select_related("unit_type", "mission", "location", "organisation"))
    )


@dataclass(frozen=True)
class Strength:
    """A rotation's figures as a planner reads them: how full, and how many women."""

    positions: int
    filled: int
    target: int
    women: int
    target_women_share: Decimal

    @property
    def gaps(self) -> int:
        return self.positions - self.filled

    @property
    def women_share(self) -> Decimal | None:
        """Women among the people filling positions, in percent; None while nobody is in."""
        if not self.filled:
            return None
        return (Decimal(self.women) * 100 / self.filled).quantize(Decimal("0.1"))

    @property
    def below_target(self) -> bool:
        share = self.women_share
        return share is not None and share < self.target_women_share

    @property
    def women_needed(self) -> int:
        """Women the target share asks for at the rotation's target strength."""
        return math.ceil(self.target * Decimal(self.target_women_share) / 100)

    @classmethod
    def of(cls, rotation: Rotation) -> Strength:
        """The figures of a rotation annotated by `with_strength` (no query)."""
        return cls(
            positions=rotation.position_count,
            filled=rotation.filled_count,
            target=rotation.target_strength,
            women=rotation.women_count,
            target_women_share=Decimal(rotation.target_women_share or 0),
        )


def strength(rotation: Rotation) -> Strength:
    """The figures of one rotation: from `with_strength` annotations if present, else one query."""
    if hasattr(rotation, "filled_count"):
        return Strength.of(rotation)
    fresh = with_strength(Rotation.objects.filter(pk=rotation.pk)).get()
    return Strength.of(fresh)


def rotation_positions(rotation: Rotation, user: Any, show: str = "all") -> list[Position]:
    """The rotation's positions in order, each with `holder`: the deployment filling it or None.

    Four queries whatever the size of the rotation: positions, their language requirements,
    the deployments filling them and which of their holders `user` may see (see `holders`).
    A holder from an organisation outside the user's scope still fills the position (so it
    is no gap), but `holder.visible` is False and the page shows no name.
    `show` is "all", "gaps" or "filled".
    """
    served = Q(deployments__state__in=SERVING_STATES)
    positions = (
        Position.objects.filter(rotation=rotation)
        .select_related("specialty")
        .prefetch_related(
            Prefetch(
                "languages",
                queryset=PositionLanguageRequirement.objects.select_related("language").order_by(
                    "language__name"
                ),
            ),
            Prefetch(
                "deployments",
                queryset=Deployment.objects.filter(state__in=SERVING_STATES)
                .select_related("person__rank")
                .order_by("-starts_on", "-pk"),
                to_attr="serving",
            ),
        )
        .order_by("number")
    )
    if show == "gaps":
        positions = positions.exclude(served)
    elif show == "filled":
        positions = positions.filter(served).distinct()
    result = list(positions)
    held = holders((d for position in result for d in position.serving), user)
    for position in result:
        position.holder = held.get(position.pk)
    return result


def holders(serving: Iterable[Deployment], user: Any) -> dict[int, Deployment]:
    """The deployment holding each position, by position id, each with `visible` set.

    `serving` are deployments in SERVING_STATES, newest first within each position. A live
    deployment takes precedence over an earlier holder who came home. `visible` says whether
    `user` may see the holder (restrict): one outside the user's scope still fills its
    position, but its page shows no name.
    """
    held: dict[int, Deployment] = {}
    for deployment in serving:
        current = held.get(deployment.position_id)
        if current is None or (
            deployment.state in ACTIVE_STATES and current.state not in ACTIVE_STATES
        ):
            held[deployment.position_id] = deployment
    # Ask by the ids already loaded: filtering by rotation again lets the database start from
    # the organisation tree and scan every deployment of the scope (seconds at 500,000).
    visible = set(
        Deployment.objects.restrict(user, "view")
        .filter(pk__in=[deployment.pk for deployment in held.values()])
        .values_list("pk", flat=True)
    )
    for deployment in held.values():
        deployment.visible = deployment.pk in visible
    return held


def rotations_in_preparation(user: Any, day: datetime.date) -> QuerySet[Rotation]:
    return with_strength(
        Rotation.objects.restrict(user, "view")
        .filter(status__in=PREPARING)
        .select_related("unit_type", "mission", "location")
        .order_by("planned_departure")
    )
