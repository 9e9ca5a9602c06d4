"""One planning problem: the open positions, grouped into classes, and their candidate lists.

Positions of one rotation that ask for the same (same requirements, specialty, rank range and
languages) form a class: the 46 sappers of an engineering company are one class of capacity 46.
Classes of rotations with the same period and the same demands share a *signature*: the same
people are eligible with the same scores, so each signature is evaluated once.

A signature's eligible people are ranked by score (ties: lower person id first). The solver does
not need every eligible person of a large class: it works on the top of each (class, sex) list
and grows a list only when the solution uses every person on it (see solver.py for why that is
exact). Lists do not depend on the women bonuses, because within one sex the bonus is the same
for everyone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from people.models import Person
from planning.eligibility import PeriodMasks, evaluate, position_rules
from planning.planner.pool import DEFAULT_REST_MONTHS, Pool, load_pool
from planning.planner.weights import (
    LANGUAGE_LEVELS_COUNTED,
    RANK_GRADES_COUNTED,
    SERVICE_YEARS_COUNTED,
    WAITING_YEARS_COUNTED,
    Weights,
)
from planning.rules import Rule
from units.models import Position, PositionLanguageRequirement, Rotation
from units.queries import SERVING_STATES, Strength, set_strength

Period = tuple[datetime.date, datetime.date]
# First list length of a class: enough that the certificate seldom asks for more.
LIST_FACTOR, LIST_EXTRA = 2, 4


class PlannerError(ValidationError):
    """A run refused before anything is written, with a message per field."""


@dataclass(frozen=True)
class Signature:
    period: Period
    mask: int
    specialty_id: int | None
    rank_min: int | None
    rank_max: int | None
    languages: tuple[tuple[int, int], ...]


def signature_of(position: Position, mask: int = 0) -> Signature:
    """What decides who may take `position` and how they score; `mask` is its requirements'
    bits in its period's masks (0 where eligibility is not asked again, as for a lock).
    """
    rotation = position.rotation
    return Signature(
        period=(rotation.starts_on, rotation.ends_on),
        mask=mask,
        specialty_id=position.specialty_id,
        rank_min=position.rank_min,
        rank_max=position.rank_max,
        languages=tuple(sorted((w.language_id, w.level) for w in position.languages.all())),
    )


@dataclass
class PositionClass:
    rotation: int  # index into Instance.rotations
    signature: Signature
    positions: list[Position]
    rules: list[Rule]

    @property
    def capacity(self) -> int:
        return len(self.positions)


@dataclass
class Ranking:
    """A signature's eligible people of one sex, best first, as far as computed."""

    persons: np.ndarray  # pool indexes
    scores: np.ndarray  # int64
    total: int  # how many are eligible in all

    @property
    def complete(self) -> bool:
        return len(self.persons) >= self.total


@dataclass
class Instance:
    rotations: list[Rotation]
    classes: list[PositionClass]
    pool: Pool
    periods: dict[Period, PeriodMasks]
    weights: Weights
    specialty_required: bool
    need: np.ndarray  # women still needed, per rotation
    women_needed: list[int]
    women_existing: list[int]
    locks: dict[int, int]  # position id → person id
    locked: list[tuple[Position, int]]  # (position, pool index), checked
    rules: dict[int, list[Rule]]  # position id → rules
    # Per signature: eligible vector and the rankings by sex (False: men, True: women).
    eligible: dict[Signature, np.ndarray] = field(default_factory=dict)
    scores: dict[Signature, np.ndarray] = field(default_factory=dict)
    rankings: dict[tuple[Signature, bool], Ranking] = field(default_factory=dict)
    # List length in use per (class, sex).
    lengths: dict[tuple[int, bool], int] = field(default_factory=dict)
    available: dict[Period, np.ndarray] = field(default_factory=dict)
    _signature_capacity: dict[Signature, int] = field(default_factory=dict)

    # --- what the solver reads --------------------------------------------------------------

    @property
    def n_rotations(self) -> int:
        return len(self.rotations)

    @property
    def capacity(self) -> np.ndarray:
        return np.array([c.capacity for c in self.classes], dtype=np.int64)

    @property
    def class_rotation(self) -> np.ndarray:
        return np.array([c.rotation for c in self.classes], dtype=np.int64)

    def candidates(self, k: int, female: bool) -> tuple[np.ndarray, np.ndarray]:
        """Class `k`'s current list of one sex: pool indexes and scores, best first."""
        ranking = self.ranking(self.classes[k].signature, female)
        length = self.lengths.setdefault((k, female), self._first_length(k))
        if length > len(ranking.persons) and not ranking.complete:
            ranking = self._extend(self.classes[k].signature, female, length)
        return ranking.persons[:length], ranking.scores[:length]

    def complete(self, k: int, female: bool) -> bool:
        """Whether class `k`'s list of this sex holds every eligible person of that sex."""
        ranking = self.ranking(self.classes[k].signature, female)
        return self.lengths.get((k, female), self._first_length(k)) >= ranking.total

    def grow(self, k: int, female: bool) -> None:
        length = self.lengths.get((k, female), self._first_length(k))
        self.lengths[(k, female)] = length * 2

    def _first_length(self, k: int) -> int:
        # Classes of one signature (the same table row in rotations departing together) rank
        # the same people: each list starts long enough for all of them.
        if not self._signature_capacity:
            for c in self.classes:
                self._signature_capacity[c.signature] = (
                    self._signature_capacity.get(c.signature, 0) + c.capacity
                )
        return self._signature_capacity[self.classes[k].signature] * LIST_FACTOR + LIST_EXTRA

    # --- rankings ---------------------------------------------------------------------------

    def ranking(self, signature: Signature, female: bool) -> Ranking:
        found = self.rankings.get((signature, female))
        if found is None:
            wanted = max(
                (
                    self._first_length(k)
                    for k, c in enumerate(self.classes)
                    if c.signature == signature
                ),
                default=LIST_EXTRA,
            )
            found = self._extend(signature, female, wanted)
        return found

    def _extend(self, signature: Signature, female: bool, length: int) -> Ranking:
        """Rank the top `length` (at least) eligible people of one sex for `signature`."""
        eligible = self.eligible_for(signature) & (self.pool.female == female)
        members = np.flatnonzero(eligible)
        scores = self.scores_for(signature)[members]
        total = len(members)
        length = min(
            max(length, 2 * len(self.rankings.get((signature, female), _EMPTY).persons)), total
        )
        # One key per person: score first, then the lower pool index (the lower id) first.
        key = scores * (len(self.pool) + 1) + (len(self.pool) - members)
        if length < total:
            top = np.argpartition(-key, length - 1)[:length]
        else:
            top = np.arange(total)
        top = top[np.argsort(-key[top], kind="stable")]
        ranking = Ranking(members[top], scores[top], total)
        self.rankings[(signature, female)] = ranking
        return ranking

    def eligible_for(self, signature: Signature) -> np.ndarray:
        """Whether each person of the pool may take a position of this signature."""
        found = self.eligible.get(signature)
        if found is None:
            missing = self.periods[signature.period].missing(signature.mask)
            found = (missing == 0) & self.available[signature.period]
            if self.specialty_required and signature.specialty_id is not None:
                found &= self.pool.specialty == signature.specialty_id
            if self.locked:
                found[[index for _position, index in self.locked]] = False
            self.eligible[signature] = found
        return found

    def scores_for(self, signature: Signature) -> np.ndarray:
        """Every person's score for a position of this signature (see weights.py)."""
        found = self.scores.get(signature)
        if found is None:
            found = score_vector(self.pool, signature, self.weights)
            self.scores[signature] = found
        return found


_EMPTY = Ranking(np.empty(0, np.int64), np.empty(0, np.int64), 0)


def target_grade(rank_min: int | None, rank_max: int | None) -> int | None:
    if rank_min and rank_max:
        return (rank_min + rank_max) // 2
    return rank_min or rank_max or None


def score_vector(pool: Pool, signature: Signature, weights: Weights) -> np.ndarray:
    """The score of every person of the pool for a position of `signature` (weights.py)."""
    start = signature.period[0]
    score = np.full(len(pool), weights.fill, dtype=np.int64)
    if signature.specialty_id is not None:
        score += weights.specialty * (pool.specialty == signature.specialty_id)
    for language_id, minimum in signature.languages:
        levels = pool.languages.get(language_id)
        if levels is not None:
            above = np.clip(levels.astype(np.int64) - minimum, 0, LANGUAGE_LEVELS_COUNTED)
            score += weights.language * above
    score += weights.experience * np.minimum(pool.years_of_service(start), SERVICE_YEARS_COUNTED)
    target = target_grade(signature.rank_min, signature.rank_max)
    if target is not None:
        distance = np.abs(pool.grade.astype(np.int64) - target)
        closeness = np.clip(RANK_GRADES_COUNTED - distance, 0, None)
        score += (weights.rank * closeness) // RANK_GRADES_COUNTED
    never = pool.never_deployed()
    score += weights.never_deployed * never
    waited = np.minimum(pool.years_waiting(start), WAITING_YEARS_COUNTED)
    score += weights.waiting * np.where(never, 0, waited)
    return score


# --- building ---------------------------------------------------------------------------------


def open_positions(rotations: list[Rotation]) -> list[Position]:
    """The positions of `rotations` that nobody holds, in rotation then number order."""
    order = {rotation.pk: index for index, rotation in enumerate(rotations)}
    positions = list(
        Position.objects.filter(rotation__in=list(order))
        .exclude(deployments__state__in=SERVING_STATES)
        .select_related("specialty")
        .order_by("number")
    )
    # The language requirements in one query, put where `position.languages.all()` finds them
    # (prefetch_related would build a queryset per position: a second for 6,000 positions).
    wanted: dict[int, list] = {}
    for found in (
        PositionLanguageRequirement.objects.filter(position__rotation__in=list(order))
        .select_related("language")
        .order_by("language__name")
    ):
        wanted.setdefault(found.position_id, []).append(found)
    by_pk = {rotation.pk: rotation for rotation in rotations}
    for position in positions:
        position.rotation = by_pk[position.rotation_id]  # the rules read it; no query each
        position._prefetched_objects_cache = {"languages": wanted.get(position.pk, [])}
    positions.sort(key=lambda p: (order[p.rotation_id], p.number))
    return positions


def build(
    rotations: list[Rotation],
    people: QuerySet[Person],
    weights: Weights | None = None,
    locks: dict[int, int] | None = None,
    rest_months: int = DEFAULT_REST_MONTHS,
    specialty_required: bool = True,
    timings: dict[str, float] | None = None,
) -> Instance:
    """Everything a run needs, checked: refused with PlannerError on bad input."""
    import time

    from planning.planner.locks import check_locks

    weights = weights or Weights()
    locks = dict(locks or {})
    # The rules read each rotation's unit type and mission: load them with it, in one query.
    loaded = Rotation.objects.select_related("unit_type", "mission").in_bulk(
        [r.pk for r in rotations]
    )
    rotations = [loaded[r.pk] for r in dict.fromkeys(rotations, None)]
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    positions = open_positions(rotations)
    _check_open(rotations, positions)
    rules = position_rules(positions)
    periods = [(r.starts_on, r.ends_on) for r in rotations]
    language_ids = {wanted.language_id for p in positions for wanted in p.languages.all()}
    pool = load_pool(people, periods, language_ids, rest_months)
    if not len(pool):
        raise PlannerError(
            {"pool": [_("The candidate pool is empty: you may not see anyone to propose.")]}
        )
    timings["pool"] = time.perf_counter() - started
    started = time.perf_counter()
    everything = list({rule.key: rule for rs in rules.values() for rule in rs}.values())
    evaluated = evaluate(people, everything, periods, size=len(pool))
    strengths = [Strength.of(rotation) for rotation in set_strength(rotations)]
    instance = Instance(
        rotations=rotations,
        classes=[],
        pool=pool,
        periods=evaluated,
        weights=weights,
        specialty_required=specialty_required,
        need=np.zeros(len(rotations), dtype=np.int64),
        women_needed=[figures.women_needed for figures in strengths],
        women_existing=[figures.women for figures in strengths],
        locks=locks,
        locked=[],
        rules=rules,
    )
    for period, masks in evaluated.items():
        # The engine's rows and the pool are both by id, so a pool index is a row index too;
        # someone added or removed between the two reads would break that: start again.
        if not np.array_equal(masks.person_ids, pool.ids):
            raise PlannerError(
                {"pool": [_("The register changed while the plan was made: run it again.")]}
            )
        instance.available[period] = pool.available(*period)
    instance.locked = check_locks(instance, positions, locks)
    locked_positions = {position.pk for position, _index in instance.locked}
    _make_classes(instance, [p for p in positions if p.pk not in locked_positions])
    _women_targets(instance)
    _check_pool(instance)
    timings["eligibility"] = time.perf_counter() - started
    return instance


def _check_open(rotations: list[Rotation], positions: list[Position]) -> None:
    having = {p.rotation_id for p in positions}
    empty = [r for r in rotations if r.pk not in having]
    if empty:
        raise PlannerError(
            {
                "rotations": [
                    _(
                        "%(rotation)s has no open positions: every position is filled, or it "
                        "has none yet."
                    )
                    % {"rotation": rotation}
                    for rotation in empty
                ]
            }
        )


def _make_classes(instance: Instance, positions: list[Position]) -> None:
    index = {rotation.pk: i for i, rotation in enumerate(instance.rotations)}
    classes: dict[tuple, PositionClass] = {}
    for position in positions:
        rotation = position.rotation
        period = (rotation.starts_on, rotation.ends_on)
        rules = instance.rules[position.pk]
        signature = signature_of(position, instance.periods[period].mask_of(rules))
        key = (index[rotation.pk], signature)
        found = classes.get(key)
        if found is None:
            found = classes[key] = PositionClass(index[rotation.pk], signature, [], rules)
        found.positions.append(position)
    instance.classes = list(classes.values())


def _women_targets(instance: Instance) -> None:
    locked_women = np.zeros(instance.n_rotations, dtype=np.int64)
    index = {rotation.pk: i for i, rotation in enumerate(instance.rotations)}
    for position, person in instance.locked:
        if instance.pool.female[person]:
            locked_women[index[position.rotation_id]] += 1
    needed = np.array(instance.women_needed, dtype=np.int64)
    existing = np.array(instance.women_existing, dtype=np.int64)
    instance.need = np.maximum(needed - existing - locked_women, 0)


def _check_pool(instance: Instance) -> None:
    """Refuse a run with nobody to propose: nobody visible, or everyone busy or resting.

    People who are free but miss requirements still make a run: its value is then in saying,
    for each gap, who comes nearest and what they lack.
    """
    free = np.zeros(len(instance.pool), dtype=bool)
    for available in instance.available.values():
        free |= available
    for _position, index in instance.locked:
        free[index] = False
    if free.any() or instance.locked:
        return
    raise PlannerError(
        {
            "pool": [
                _(
                    "The candidate pool is empty: all %(count)s people you may see are "
                    "deployed, nominated or resting during the period."
                )
                % {"count": len(instance.pool)}
            ]
        }
    )
