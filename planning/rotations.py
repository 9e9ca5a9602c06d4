"""A rotation's readiness: its positions, who holds them, who is ready, and what blocks the rest.

The readiness level imitates the UN's Peacekeeping Capability Readiness System (PCRS) only as an
indicator. The real PCRS levels (1, 2, 3 and the Rapid Deployment Level) are awarded by the UN
Department of Peace Operations after its own assessment and advisory visits, on much more than
people's papers (equipment, self-sustainment, training evaluated in the field). What Blue Beret
can honestly say is how much of the unit is filled by people whose papers, training and
screening are in order for the whole period. The thresholds, on the share of positions filled
by ready people:

    100 %                         rapid deployment indicator (every post filled, all ready)
    90 % or more                  level 3 indicator
    50 % or more                  level 2 indicator
    below 50 %                    level 1 indicator
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from deployments.models import ACTIVE_STATES, Deployment
from planning.readiness import unmet_for_holders
from planning.reasons import CountedReason, Reason, count_reasons, explain_failures
from units.models import Position, Rotation
from units.queries import rotation_positions


@dataclass(frozen=True)
class Level:
    code: str
    label: Any
    minimum_share: Decimal


# Highest first: the first whose minimum the share reaches is the rotation's level.
LEVELS = [
    Level("rdl", _("Rapid deployment indicator"), Decimal(100)),
    Level("3", _("Level 3 indicator"), Decimal(90)),
    Level("2", _("Level 2 indicator"), Decimal(50)),
    Level("1", _("Level 1 indicator"), Decimal(0)),
]


def level_for(share: Decimal | None) -> Level | None:
    if share is None:
        return None
    return next(level for level in LEVELS if share >= level.minimum_share)


@dataclass
class PositionReadiness:
    position: Position
    holder: Deployment | None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        """Whether the user may see who holds it (and why they are not ready)."""
        return self.holder is not None and getattr(self.holder, "visible", True)

    @property
    def ready(self) -> bool:
        return self.holder is not None and not self.reasons

    @property
    def status(self) -> str:
        if self.holder is None:
            return "gap"
        return "ready" if self.ready else "not_ready"


@dataclass
class RotationReadiness:
    rotation: Rotation
    positions: list[PositionReadiness]
    counted: list[CountedReason]

    @property
    def total(self) -> int:
        return len(self.positions)

    @property
    def filled(self) -> int:
        return sum(1 for p in self.positions if p.holder is not None)

    @property
    def ready(self) -> int:
        return sum(1 for p in self.positions if p.ready)

    @property
    def not_ready(self) -> int:
        return self.filled - self.ready

    @property
    def share(self) -> Decimal | None:
        """Positions filled by ready people, in percent of all positions."""
        if not self.total:
            return None
        return (Decimal(self.ready) * 100 / self.total).quantize(Decimal("0.1"))

    @property
    def level(self) -> Level | None:
        return level_for(self.share)


def rotation_readiness(rotation: Rotation, user: Any) -> RotationReadiness:
    """Each position of `rotation` with its live holder and, if not ready, why.

    A holder is judged on their own deployment's period. A bounded number of queries whatever
    the size of the rotation: the positions and holders (units.queries), the requirements,
    one evaluation per distinct period, one query per kind of document to explain.
    `rotation` must come with its unit type.
    """
    positions = rotation_positions(rotation, user)
    holders = []
    rows = []
    for position in positions:
        position.rotation = rotation  # the rules read the rotation; never a query per position
        holder = position.holder
        if holder is not None and holder.state not in ACTIVE_STATES:
            holder = None  # a holder who came home no longer stands for this position
        rows.append(PositionReadiness(position, holder))
        if holder is not None:
            holders.append((holder.person_id, position, holder.starts_on, holder.ends_on))
    failures = unmet_for_holders(holders)
    periods = {person_id: (start, end) for person_id, _p, start, end in holders}
    reasons = explain_failures(failures, periods)
    for row in rows:
        if row.holder is not None:
            row.reasons = reasons.get(row.holder.person_id, [])
    return RotationReadiness(rotation, rows, count_reasons(reasons.values()))
