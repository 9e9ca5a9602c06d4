"""The readiness engine: who meets which requirements of a position for a period.

ONE engine for the pages, the deployment workflow and the planner. It never loops over people
and requirements in Python: each distinct requirement becomes one bit of a mask computed by the
database in a single query over the pool,

    SELECT id, CASE WHEN <meets 1> THEN 0 ELSE 1 END + CASE WHEN <meets 2> THEN 0 ELSE 2 END …

where each "meets" is a column test (age, service, rank) or a test on documents: for a large
pool `id IN (<uncorrelated subquery>)`, which SQLite and PostgreSQL evaluate once per
statement (an ephemeral index, a hashed subplan); for a small one (a rotation's holders, the
one person of a workflow step) a correlated EXISTS through the person's index. Python then only
reads one integer per person, and works on the few distinct masks, not on people.
Plain-words reasons are built afterwards, and only for the people being explained
(planning.reasons).
"""

from __future__ import annotations

import datetime
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import reduce
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Case, QuerySet, Value, When

from people.models import Person
from planning.reasons import Reason, explain_failures
from planning.rules import Rule, passing, rules_for, rules_for_positions
from units.models import Position

# Up to this many people, documents are looked up person by person through the indexes;
# above it, each requirement's documents are read once for the whole pool. Measured with
# bench/readiness.py: lookups win for a rotation's holders and the 10,000-person pool, one read
# wins for 100,000 people.
PER_PERSON_LIMIT = 20_000
# Bits per mask column: well inside a signed 64-bit integer on both databases.
MASK_BITS = 60


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def fetch_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list queryset, straight through the cursor.

    Building 100,000 tuples is the ORM's slow part, not SQL's: the cursor's rows are enough.
    """
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a pool of .none(), e.g. a user without the permission to view
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _distinct(rules: Iterable[Rule]) -> list[tuple]:
    """The distinct signatures among `rules`, in a stable order: one bit each."""
    seen: dict[tuple, None] = {}
    for rule in rules:
        seen.setdefault(rule.signature, None)
    return list(seen)


def masks(
    people: QuerySet[Person],
    rules: Sequence[Rule],
    start: datetime.date,
    end: datetime.date,
    size: int | None = None,
) -> tuple[list[tuple[int, int]], dict[tuple, int]]:
    """Every person of `people` with the mask of the signatures they fail, in one query.

    Returns the (person id, mask) rows, by ascending id, and the bit of each signature. A
    person failing nothing has mask 0. `size` is how many people `people` holds, when the
    caller knows it: it saves counting them to choose how documents are looked up.
    """
    signatures = _distinct(rules)
    bits = {sig: 1 << index for index, sig in enumerate(signatures)}
    if size is None:
        size = people.order_by()[: PER_PERSON_LIMIT + 1].count()
    per_person = size <= PER_PERSON_LIMIT
    conditions = {}
    for rule in rules:
        if rule.signature not in conditions:  # building a condition costs; once per signature
            conditions[rule.signature] = passing(rule.requirement, start, end, per_person)
    columns = {}
    for number, chunk in enumerate(_chunks(signatures, MASK_BITS)):
        cases = []
        for offset, sig in enumerate(chunk):
            condition = conditions[sig]
            if not condition:  # an empty condition (nothing asked) is always met
                continue
            cases.append(
                Case(
                    When(condition, then=Value(0)),
                    default=Value(1 << offset),
                    output_field=BigIntegerField(),
                )
            )
        columns[f"unmet_{number}"] = (
            reduce(operator.add, cases) if cases else Value(0, output_field=BigIntegerField())
        )
    # By id: the planner's pool is in the same order, so a row's index is the person's index.
    if not columns:
        return [(pk, 0) for pk in people.order_by("pk").values_list("pk", flat=True)], bits
    rows = fetch_rows(people.order_by("pk").annotate(**columns).values_list("pk", *columns))
    if len(columns) == 1:
        return [(row[0], row[1]) for row in rows], bits
    return [
        (row[0], sum(part << (MASK_BITS * i) for i, part in enumerate(row[1:]))) for row in rows
    ], bits


def _position_mask(rules: Iterable[Rule], bits: dict[tuple, int]) -> int:
    return reduce(operator.or_, (bits[rule.signature] for rule in rules), 0)


class _Decoder:
    """Mask → the rules it stands for; memoised, as a pool shares a handful of masks."""

    def __init__(self, rules: Sequence[Rule], bits: dict[tuple, int]) -> None:
        self.rules = rules
        self.bits = bits
        self.cache: dict[int, tuple[Rule, ...]] = {}

    def __call__(self, mask: int) -> tuple[Rule, ...]:
        found = self.cache.get(mask)
        if found is None:
            found = tuple(rule for rule in self.rules if mask & self.bits[rule.signature])
            self.cache[mask] = found
        return found


def unmet_rules(
    people: QuerySet[Person], rules: Sequence[Rule], start: datetime.date, end: datetime.date
) -> dict[int, tuple[Rule, ...]]:
    """Person id → the rules they do not meet, for everyone of `people` who misses any."""
    rows, bits = masks(people, rules, start, end)
    decode = _Decoder(rules, bits)
    # Every bit is one of `rules`' signatures: any bit set is a rule missed.
    return {pk: decode(mask) for pk, mask in rows if mask}


def unmet(
    people: QuerySet[Person],
    position: Position,
    start: datetime.date,
    end: datetime.date,
    kinds: Iterable[str] | None = None,
) -> dict[int, tuple[Rule, ...]]:
    """Person id → the requirements of `position` they miss for `start`–`end`.

    People who meet everything are absent. `kinds` limits the requirements to those kinds.
    """
    return unmet_rules(people, rules_for(with_rotation(position), kinds), start, end)


def ready_by_position(
    people: QuerySet[Person],
    positions: Sequence[Position],
    start: datetime.date,
    end: datetime.date,
) -> dict[int, set[int]]:
    """For each position, the ids of the people of the pool ready for it (one evaluation).

    The pool is evaluated once against every requirement of every position; people are then
    grouped by mask, and a position takes the groups whose mask misses none of its bits.
    """
    by_position = rules_for_positions(positions)
    everything = [rule for rules in by_position.values() for rule in rules]
    rows, bits = masks(people, everything, start, end)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk, mask in rows:
        groups[mask].append(pk)
    result = {}
    for position in positions:
        wanted = _position_mask(by_position[position.pk], bits)
        result[position.pk] = {
            pk for mask, members in groups.items() if not mask & wanted for pk in members
        }
    return result


def unmet_for_holders(
    holders: Sequence[tuple[int, Position, datetime.date, datetime.date]],
    kinds: Iterable[str] | None = None,
) -> dict[int, tuple[Rule, ...]]:
    """(person id, position, start, end) for each holder → the rules that person misses.

    One evaluation per distinct period (a rotation has one or two: the flights), whatever the
    number of holders.
    """
    positions = list({position.pk: position for _id, position, _s, _e in holders}.values())
    by_position = rules_for_positions(positions, kinds)
    periods: dict[tuple, list[tuple[int, Position]]] = defaultdict(list)
    for person_id, position, start, end in holders:
        periods[(start, end)].append((person_id, position))
    rules = [rule for p in positions for rule in by_position[p.pk]]
    result: dict[int, tuple[Rule, ...]] = {}
    for (start, end), members in periods.items():
        people = Person.objects.filter(pk__in=[person_id for person_id, _p in members])
        rows, bits = masks(people, rules, start, end, size=len(members))
        found = dict(rows)
        decoders = {p.pk: _Decoder(by_position[p.pk], bits) for p in positions}
        for person_id, position in members:
            missed = decoders[position.pk](found.get(person_id, 0))
            if missed:
                result[person_id] = missed
    return result


def with_rotation(position: Position) -> Position:
    """`position` with what the rules need (its rotation and unit type), loaded if missing."""
    if "rotation" in position._state.fields_cache and (
        "unit_type" in position.rotation._state.fields_cache
    ):
        return position
    return Position.objects.select_related("rotation__unit_type").get(pk=position.pk)


def explain(
    person: Person,
    position: Position,
    start: datetime.date,
    end: datetime.date,
    kinds: Iterable[str] | None = None,
) -> list[Reason]:
    """Every requirement of `position` that `person` misses for `start`–`end`, in plain words.

    Empty when the person is ready.
    """
    missed = unmet(Person.objects.filter(pk=person.pk), position, start, end, kinds)
    return explain_failures(missed, {person.pk: (start, end)}).get(person.pk, [])


def assess(
    person: Person, position: Position, start: datetime.date, end: datetime.date
) -> list[tuple[Rule, Reason | None]]:
    """Each requirement of `position` with the reason `person` misses it, or None if met."""
    position = with_rotation(position)
    rules = rules_for(position)
    missed = unmet_rules(Person.objects.filter(pk=person.pk), rules, start, end)
    reasons = explain_failures(missed, {person.pk: (start, end)}).get(person.pk, [])
    by_key = {reason.rule.key: reason for reason in reasons}
    return [(rule, by_key.get(rule.key)) for rule in rules]
