"""The candidate pool as arrays: who may be proposed, their attributes, when they are busy.

The pool is the people the user may see. A person is free for a period unless a live or
completed deployment of theirs (any state but withdrawn) comes within the rest period of it:

    conflict  ⇔  other.start ≤ end + rest  and  other.end ≥ start − rest

where `other.end` is the real return once known, else the planned end (as in
deployments.queries.overlapping). With a rest of 0 this is plain overlap. The rest period
counts on both sides: between the return from one deployment and the departure of the next
there must be `rest` months, whichever of the two is planned first.

Four queries whatever the pool's size: people, language levels, deployment history, and the
deployments near the periods; read straight through the cursor, as the readiness engine does.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Coalesce

from core.dates import add_months
from deployments.models import Deployment, State
from deployments.queries import overlapping
from people.models import Person, PersonLanguage
from planning.planner.models import DEFAULT_REST_MONTHS
from planning.readiness import fetch_rows

# States in which a person has served (for "never deployed" and the last return).
SERVED = [State.DEPLOYED, State.REPATRIATED]


def _ordinal(value: object) -> int:
    """A date (or the ISO text SQLite gives for computed dates) as a day number; -1 if none."""
    if value is None:
        return -1
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.toordinal()  # type: ignore[union-attr]


def whole_years_between(year: np.ndarray, month_day: np.ndarray, day: datetime.date) -> np.ndarray:
    """Completed years from each (year, month*100+day) to `day`, as an age is counted."""
    return day.year - year - ((day.month * 100 + day.day) < month_day).astype(np.int32)


@dataclass
class Pool:
    ids: np.ndarray  # int64, ascending
    female: np.ndarray  # bool
    grade: np.ndarray  # int16, 0 without a rank
    specialty: np.ndarray  # int64, -1 without one
    service_year: np.ndarray  # int32, 0 without a service start
    service_md: np.ndarray  # int32, month * 100 + day
    has_service: np.ndarray  # bool
    deployments: np.ndarray  # int32: completed or current deployments (never deployed: 0)
    last_return_year: np.ndarray
    last_return_md: np.ndarray
    languages: dict[int, np.ndarray] = field(default_factory=dict)  # language id → level
    # Deployments near the periods, one row each: person index, first and last day (ordinals).
    busy_person: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    busy_from: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    busy_to: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    rest_months: int = DEFAULT_REST_MONTHS

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, person_ids: Iterable[int] | np.ndarray) -> np.ndarray:
        """Pool indexes of `person_ids` (all must be in the pool)."""
        wanted = np.asarray(
            list(person_ids) if not isinstance(person_ids, np.ndarray) else person_ids
        )
        return np.searchsorted(self.ids, wanted)

    def contains(self, person_id: int) -> bool:
        index = int(np.searchsorted(self.ids, person_id))
        return index < len(self.ids) and int(self.ids[index]) == person_id

    def window(self, start: datetime.date, end: datetime.date) -> tuple[int, int]:
        """The days a conflicting deployment must touch: the period widened by the rest."""
        return (
            add_months(start, -self.rest_months).toordinal(),
            add_months(end, self.rest_months).toordinal(),
        )

    def available(self, start: datetime.date, end: datetime.date) -> np.ndarray:
        """Whether each person is free and rested for `start`–`end`."""
        low, high = self.window(start, end)
        clash = (self.busy_from <= high) & (self.busy_to >= low)
        free = np.ones(len(self.ids), dtype=bool)
        free[self.busy_person[clash]] = False
        return free

    def never_deployed(self) -> np.ndarray:
        return self.deployments == 0

    def years_of_service(self, day: datetime.date) -> np.ndarray:
        years = whole_years_between(self.service_year, self.service_md, day)
        return np.where(self.has_service, np.maximum(years, 0), 0)

    def years_waiting(self, day: datetime.date) -> np.ndarray:
        years = whole_years_between(self.last_return_year, self.last_return_md, day)
        return np.where(self.deployments > 0, np.maximum(years, 0), 0)


def load_pool(
    people: QuerySet[Person],
    periods: Iterable[tuple[datetime.date, datetime.date]],
    language_ids: Iterable[int] = (),
    rest_months: int = DEFAULT_REST_MONTHS,
) -> Pool:
    """Everyone of `people` with what the planner scores and checks, as arrays."""
    periods = list(periods)
    people = people.order_by()
    rows = fetch_rows(
        people.order_by("pk").values_list(
            "pk", "sex", "rank__grade", "specialty_id", "service_start"
        )
    )
    count = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=count)
    female = np.fromiter((r[1] == "F" for r in rows), dtype=bool, count=count)
    grade = np.fromiter((r[2] or 0 for r in rows), dtype=np.int16, count=count)
    specialty = np.fromiter(
        (-1 if r[3] is None else r[3] for r in rows), dtype=np.int64, count=count
    )
    starts = [datetime.date.fromordinal(_ordinal(r[4])) if r[4] else None for r in rows]
    has_service = np.fromiter((s is not None for s in starts), dtype=bool, count=count)
    service_year = np.fromiter((s.year if s else 0 for s in starts), dtype=np.int32, count=count)
    service_md = np.fromiter(
        (s.month * 100 + s.day if s else 0 for s in starts), dtype=np.int32, count=count
    )
    pool = Pool(
        ids=ids,
        female=female,
        grade=grade,
        specialty=specialty,
        service_year=service_year,
        service_md=service_md,
        has_service=has_service,
        deployments=np.zeros(count, dtype=np.int32),
        last_return_year=np.zeros(count, dtype=np.int32),
        last_return_md=np.zeros(count, dtype=np.int32),
        rest_months=rest_months,
    )
    if not count:
        return pool
    in_pool = people.values("pk")
    _load_history(pool, in_pool)
    _load_busy(pool, in_pool, periods)
    _load_languages(pool, in_pool, set(language_ids))
    return pool


def _load_history(pool: Pool, in_pool: QuerySet) -> None:
    """How often each person served, and when they last came home."""
    history = (
        Deployment.objects.filter(state__in=SERVED, person__in=in_pool)
        .order_by()
        .values("person_id")
        .annotate(n=Count("pk"), last=Max(Coalesce("returned_on", "ends_on")))
        .values_list("person_id", "n", "last")
    )
    rows = fetch_rows(history)
    if not rows:
        return
    index = np.searchsorted(pool.ids, np.array([r[0] for r in rows], dtype=np.int64))
    last = [datetime.date.fromordinal(_ordinal(r[2])) for r in rows]
    pool.deployments[index] = [r[1] for r in rows]
    pool.last_return_year[index] = [day.year for day in last]
    pool.last_return_md[index] = [day.month * 100 + day.day for day in last]


def _load_busy(pool: Pool, in_pool: QuerySet, periods: list) -> None:
    if not periods:
        return
    low = min(add_months(start, -pool.rest_months) for start, _end in periods)
    high = max(add_months(end, pool.rest_months) for _start, end in periods)
    near = (
        Deployment.objects.filter(overlapping(low, high), person__in=in_pool)
        .order_by()
        .values_list("person_id", "starts_on", "ends_on", "returned_on")
    )
    rows = fetch_rows(near)
    pool.busy_person = np.searchsorted(
        pool.ids, np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    )
    pool.busy_from = np.fromiter((_ordinal(r[1]) for r in rows), dtype=np.int64, count=len(rows))
    pool.busy_to = np.fromiter(
        (_ordinal(r[3] if r[3] is not None else r[2]) for r in rows),
        dtype=np.int64,
        count=len(rows),
    )


def _load_languages(pool: Pool, in_pool: QuerySet, language_ids: set[int]) -> None:
    if not language_ids:
        return
    skills = PersonLanguage.objects.filter(
        language_id__in=language_ids, person__in=in_pool
    ).values_list("person_id", "language_id", "level")
    rows = fetch_rows(skills.order_by())
    for language_id in language_ids:
        mine = [r for r in rows if r[1] == language_id]
        levels = np.zeros(len(pool.ids), dtype=np.int8)
        if mine:
            where = np.searchsorted(pool.ids, np.array([r[0] for r in mine], dtype=np.int64))
            levels[where] = [r[2] for r in mine]
        pool.languages[language_id] = levels
