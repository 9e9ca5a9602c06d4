"""The planner's score: what makes one roster better than another, with its default weights.

Every (person, position) pair that meets all hard constraints (every readiness requirement for
the whole period, the position's specialty when required, free for the period and rested) earns

    fill                                   for filling the position at all
  + specialty      if the person's specialty is the position's
  + language       per CEFR level above the position's minimum, up to 2 levels per language
  + experience     per completed year of service on the departure day, up to 20 years
  + rank           × (3 − distance in grades from the position's target grade) / 3, at least 0;
                   the target grade is the middle of the rank range, or its only bound
  + never_deployed if the person has never deployed (fairness: give everyone a turn)
  + waiting        per whole year since the person's last return, up to 6 years

and the roster's objective is the sum over its assignments, minus

    women_shortfall × (women the rotation's target asks for − women it gets), when short.

The defaults make these trade-offs:
- filling a position (200) is worth more than the largest suitability and fairness difference
  (at most 40 + 20 + 20 + 10 + 30 = 120 with two languages), so the plan does not leave a
  position empty to give another position a better holder through one exchange;
- never deployed (30) counts as much as six years of waiting: those who never went come
  first, then those who have waited longest;
- one missing woman (1,000) costs more than any single assignment can earn, so the plan meets
  the UN target as far as the pool allows before anything else, and says by how much it falls
  short when it cannot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from django.utils.translation import gettext_lazy as _

LANGUAGE_LEVELS_COUNTED = 2
SERVICE_YEARS_COUNTED = 20
WAITING_YEARS_COUNTED = 6
RANK_GRADES_COUNTED = 3


@dataclass(frozen=True)
class Weights:
    fill: int = 200
    specialty: int = 40
    language: int = 5
    experience: int = 1
    rank: int = 10
    never_deployed: int = 30
    waiting: int = 5
    women_shortfall: int = 1000

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> Weights:
        """Weights from stored or posted values; unknown names are ignored, missing ones default."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in (values or {}).items() if k in known})


LABELS = {
    "fill": _("Filling a position"),
    "specialty": _("Specialty matches"),
    "language": _("Each language level above the minimum (up to 2)"),
    "experience": _("Each year of service (up to 20)"),
    "rank": _("Rank at the position's target grade"),
    "never_deployed": _("Never deployed"),
    "waiting": _("Each year since the last return (up to 6)"),
    "women_shortfall": _("Each woman missing from the target (penalty)"),
}
# Bounds a user may set, so that no weight can overflow the solver's 64-bit costs.
MAXIMUM = 100_000
