"""A whole pool against many positions and periods at once, as arrays, on the readiness engine.

The rotation planner needs, for every (person, position) pair, whether the person meets every
requirement of the position for the rotation's period, and for the nearest misses, which ones
they lack. This module asks the readiness engine (`planning.readiness.masks`) once per distinct
period, with the rules of every position of that period together, and keeps the answer the way
the engine gives it: one failure mask per person, and the few distinct masks of the pool.
Nothing here decides a requirement: `planning.rules` and `planning.readiness` do.

A position's own mask is the OR of its rules' bits; a person meets the position when
`person_mask & position_mask == 0`. Because a pool shares a handful of distinct masks, the
test runs on the distinct masks (`groups`), then spreads to people with one numpy index.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import QuerySet

from people.models import Person
from planning.models import Requirement
from planning.readiness import masks
from planning.rules import Rule, rules_for_positions
from units.models import Position

Period = tuple[datetime.date, datetime.date]


@dataclass
class PeriodMasks:
    """The pool's failures for one period: person ids, their mask group, the distinct masks.

    People are by ascending id, as the planner's pool: a person's index is the same in both.
    """

    start: datetime.date
    end: datetime.date
    person_ids: np.ndarray  # int64, ascending
    group: np.ndarray  # int32: index into `masks` for each person
    masks: list[int]
    bits: dict[tuple, int]
    _cache: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def mask_of(self, rules: Iterable[Rule]) -> int:
        mask = 0
        for rule in rules:
            mask |= self.bits[rule.signature]
        return mask

    def group_missing(self, position_mask: int) -> np.ndarray:
        """For each distinct mask, how many of the position's requirements it misses."""
        found = self._cache.get(position_mask)
        if found is None:
            found = np.fromiter(
                ((m & position_mask).bit_count() for m in self.masks),
                dtype=np.int16,
                count=len(self.masks),
            )
            self._cache[position_mask] = found
        return found

    def missing(self, position_mask: int) -> np.ndarray:
        """For each person (in `person_ids` order), how many requirements of the position
        they miss; 0 means they meet every one.
        """
        return self.group_missing(position_mask)[self.group]

    def missed_rules(self, person_index: int, rules: Sequence[Rule]) -> tuple[Rule, ...]:
        """The rules among `rules` that the person at `person_index` misses."""
        mask = self.masks[self.group[person_index]]
        return tuple(rule for rule in rules if mask & self.bits[rule.signature])


def evaluate(
    people: QuerySet[Person],
    rules: Sequence[Rule],
    periods: Iterable[Period],
    size: int | None = None,
) -> dict[Period, PeriodMasks]:
    """The pool's failure masks against `rules` for each period: one engine query per period.

    `size` is how many people `people` holds, when the caller knows it (see readiness.masks).

    (Running the periods' queries in two threads was measured on 100,000 people: no faster,
    the time goes to reading the rows into Python, which holds the interpreter lock.)
    """
    wanted = list(dict.fromkeys(periods))
    found = [masks(people, rules, start, end, size) for start, end in wanted]
    result: dict[Period, PeriodMasks] = {}
    for (start, end), (rows, bits) in zip(wanted, found, strict=True):
        distinct: dict[int, int] = {}
        group = np.empty(len(rows), dtype=np.int32)
        ids = np.empty(len(rows), dtype=np.int64)
        for index, (pk, mask) in enumerate(rows):
            ids[index] = pk
            found = distinct.get(mask)
            if found is None:
                found = distinct[mask] = len(distinct)
            group[index] = found
        result[(start, end)] = PeriodMasks(start, end, ids, group, list(distinct), bits)
    return result


def position_rules(positions: Sequence[Position]) -> dict[int, list[Rule]]:
    """The rules of each position, as planning.rules.rules_for_positions gives them, asked once
    per kind of position: positions of one rotation with the same rank range and languages and
    no requirement of their own have the same rules (184 sappers, one question).
    Positions need `rotation__unit_type` and their `languages` prefetched.
    """
    own = set(
        Requirement.objects.filter(position__in=[p.pk for p in positions]).values_list(
            "position_id", flat=True
        )
    )
    groups: dict[object, list[Position]] = {}
    for position in positions:
        key = (
            position.pk
            if position.pk in own
            else (
                position.rotation_id,
                position.rank_min,
                position.rank_max,
                tuple(sorted((w.language_id, w.level) for w in position.languages.all())),
            )
        )
        groups.setdefault(key, []).append(position)
    by_first = rules_for_positions([members[0] for members in groups.values()])
    return {p.pk: by_first[members[0].pk] for members in groups.values() for p in members}
