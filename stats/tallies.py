"""Tallies: the national figures' grouped counts, kept per organisation.

Counting 500,000 deployments for every view of the national page takes tens of seconds, so
the figures read small tables instead (`YearTally`, `MonthTally`, `MedalTally`), one set per
organisation: a person belongs to one organisation, so adding organisations' counts of
distinct people never counts anyone twice.

Freshness: saving or deleting a deployment that reached its mission, or a person (see
stats.signals), marks the organisation's `TallyState` not current; the next reader recounts
only the organisations that are not current, in one pass over their deployments. Bulk
writes that send no post_save send core.signals.bulk_written (the people import) or
recount themselves (demo and scale data).

Only deployments whose return is recorded are counted for the days served and the medals:
their figures no longer change with the date. The few still out there are counted live by
stats.national on each view.

A recount locks the organisations' `TallyState` rows (in id order) for its whole
transaction: a deployment saved meanwhile waits on that row (PostgreSQL) or on the database
(SQLite), then marks it stale again, so a recount never hides a change it did not see; a
reader that waited on another's recount finds the rows current and counts nothing again.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet, Sum
from django.utils import timezone

from core.models import Organisation
from core.querysets import scope_filter
from deployments.models import Deployment, State
from stats.models import MedalTally, MonthTally, TallyState, YearTally

DISPATCHED_STATES = [State.DEPLOYED, State.REPATRIATED]
PERMISSION = "deployments.view_deployment"
ALL_CATEGORIES = ""


# --- whose tallies a user reads -----------------------------------------------------------


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose deployments `user` may view (as Deployment.restrict decides)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if not user.has_perm(PERMISSION):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(scope_filter(user, "", PERMISSION))


@dataclass
class Scope:
    """The organisations a user reads the tallies of, all of them current."""

    organisations: QuerySet[Organisation]
    # The latest recorded return counted in their tallies: the tallies answer for any day
    # from then on; for an earlier day, the figures are counted from the deployments.
    settled_until: datetime.date | None

    def answers_for(self, day: datetime.date) -> bool:
        return self.settled_until is None or day >= self.settled_until


def current_for(user: Any) -> Scope:
    """`user`'s organisations, their tallies recounted first where they are not current."""
    organisations = visible_organisations(user)
    states = organisations.values_list("pk", "tally_state__current", "tally_state__settled_until")
    stale = [pk for pk, current, _until in states if not current]
    latest = [until for _pk, current, until in states if current and until]
    if stale:
        latest.extend(day for day in recount(stale, only_stale=True).values() if day)
    return Scope(organisations, max(latest, default=None))


# --- marking stale ------------------------------------------------------------------------


def mark_stale(organisation_ids: Iterable[int | None]) -> None:
    """These organisations' tallies no longer match their deployments."""
    ids = {pk for pk in organisation_ids if pk is not None}
    if ids:
        TallyState.objects.filter(organisation_id__in=ids).update(current=False)


def mark_all_stale() -> None:
    """After a bulk write that saved no signal, or a change of mission, category or post."""
    TallyState.objects.update(current=False)


# --- recounting ---------------------------------------------------------------------------


@dataclass
class Counts:
    """What one pass over the deployments found, before it is written as tallies."""

    years: Counter[tuple[int, int, str, str]] = field(default_factory=Counter)
    people: Counter[tuple[int, int, str, str]] = field(default_factory=Counter)
    new_people: Counter[tuple[int, int, str, str]] = field(default_factory=Counter)
    # Per organisation: +n on the first day of service, -n on the day after the last.
    changes: defaultdict[int, Counter[datetime.date]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    medal_deployments: Counter[tuple[int, int, int]] = field(default_factory=Counter)
    medal_people: Counter[tuple[int, int, int]] = field(default_factory=Counter)
    settled_until: dict[int, datetime.date] = field(default_factory=dict)

    def add_person(self, rows: list[list[Any]]) -> None:
        """Count one person's dispatched deployments (rows of `deployment_rows`)."""
        organisation, sex = rows[0][0], rows[0][2]
        cells: set[tuple[int, str]] = set()
        first_year = None
        medals: set[tuple[int, int]] = set()
        for _org, _person, _sex, category, mission, days, arrived, starts, returned in rows:
            arrival = arrived or starts
            year = arrival.year
            first_year = year if first_year is None else min(first_year, year)
            for cell in ((year, category), (year, ALL_CATEGORIES)):
                cells.add(cell)
                self.years[(organisation, *cell, sex)] += 1
            if returned is None:
                continue  # still out there: counted live
            if arrival <= returned:
                self.changes[organisation][arrival] += 1
                self.changes[organisation][returned + datetime.timedelta(days=1)] -= 1
            latest = self.settled_until.get(organisation)
            self.settled_until[organisation] = returned if latest is None else max(latest, returned)
            # Both ends count: arriving on 1 January, the 90th day is 31 March.
            if (returned - arrival).days >= days - 1:
                self.medal_deployments[(organisation, mission, days)] += 1
                medals.add((mission, days))
        for cell in cells:
            self.people[(organisation, *cell, sex)] += 1
        if first_year is not None:
            self.new_people[(organisation, first_year, ALL_CATEGORIES, sex)] += 1
        for mission, days in medals:
            self.medal_people[(organisation, mission, days)] += 1

    def month_rows(self) -> Iterable[MonthTally]:
        for organisation, changes in self.changes.items():
            per_month = person_days_per_month(changes, until=max(changes))
            for month, days in sorted(per_month.items()):
                yield MonthTally(organisation_id=organisation, month=month, person_days=days)


def person_days_per_month(
    changes: Mapping[datetime.date, int], until: datetime.date
) -> Counter[datetime.date]:
    """Person-days per calendar month (keyed by its first day), up to `until`.

    `changes` holds, per day, the people arriving (+n) and those gone from it (-n): a running
    sum over the days gives the people present each day without looking at one deployment.
    """
    per_month: Counter[datetime.date] = Counter()
    if not changes:
        return per_month
    day, present = min(changes), 0
    while day <= until:
        present += changes.get(day, 0)
        if present:
            per_month[day.replace(day=1)] += present
        day += datetime.timedelta(days=1)
    return per_month


def deployment_rows(organisation_ids: Collection[int] | None) -> Iterable[tuple[Any, ...]]:
    """The facts of every deployment (the caller keeps the dispatched), person by person.

    No filter on the state: with one, SQLite walks every deployment by its state index
    instead of the organisation's people by theirs.
    """
    rows = Deployment.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(person__organisation_id__in=organisation_ids)
    return (
        rows.order_by("person_id")
        .values_list(
            "state",
            "person__organisation_id",
            "person_id",
            "person__sex",
            "position__rotation__unit_type__category",
            "position__rotation__mission_id",
            "position__rotation__mission__medal_qualifying_days",
            "arrived_on",
            "starts_on",
            "returned_on",
        )
        .iterator(chunk_size=10_000)
    )


def count(organisation_ids: Collection[int] | None) -> Counts:
    counts = Counts()
    person_rows: list[list[Any]] = []
    for state, *row in deployment_rows(organisation_ids):
        if state not in DISPATCHED_STATES:
            continue
        if person_rows and row[1] != person_rows[0][1]:
            counts.add_person(person_rows)
            person_rows = []
        person_rows.append(row)
    if person_rows:
        counts.add_person(person_rows)
    return counts


def ensure_states(ids: Collection[int]) -> None:
    """A `TallyState` row for each organisation, so that a writer marking one stale finds the
    row and waits on a recount that holds it (organisations get theirs when created)."""
    TallyState.objects.bulk_create(
        [TallyState(organisation_id=pk) for pk in ids], ignore_conflicts=True
    )


def recount(
    organisation_ids: Collection[int] | None = None, *, only_stale: bool = False
) -> dict[int, datetime.date | None]:
    """Recount the tallies of these organisations (every organisation when None).

    With `only_stale`, organisations that another reader recounted meanwhile are skipped.
    Returns each organisation's latest recorded return, as stored in its `TallyState`.
    """
    ids = (
        list(Organisation.objects.values_list("pk", flat=True))
        if organisation_ids is None
        else list(organisation_ids)
    )
    ensure_states(ids)
    with transaction.atomic():
        # Held until the end: a deployment saved meanwhile waits to mark its organisation
        # stale again, after this commit (on SQLite the transaction holds the database).
        locked = list(
            TallyState.objects.select_for_update()
            .filter(organisation_id__in=ids)
            .order_by("pk")
            .values_list("pk", "current", "settled_until")
        )
        already = {pk: until for pk, current, until in locked if current and only_stale}
        ids = [pk for pk, _current, _until in locked if pk not in already]
        if not ids:
            return already
        everything = organisation_ids is None and not already
        counts = count(None if everything else ids)
        for model in (YearTally, MonthTally, MedalTally):
            tallies = model.objects.all()
            if not everything:
                tallies = tallies.filter(organisation_id__in=ids)
            tallies.delete()
        YearTally.objects.bulk_create(year_rows(counts), batch_size=2000)
        MonthTally.objects.bulk_create(counts.month_rows(), batch_size=2000)
        MedalTally.objects.bulk_create(
            (
                MedalTally(
                    organisation_id=organisation,
                    mission_id=mission,
                    qualifying_days=days,
                    deployments=n,
                    people=counts.medal_people[(organisation, mission, days)],
                )
                for (organisation, mission, days), n in counts.medal_deployments.items()
            ),
            batch_size=2000,
        )
        now = timezone.now()
        TallyState.objects.bulk_update(
            [
                TallyState(
                    organisation_id=pk,
                    current=True,
                    settled_until=counts.settled_until.get(pk),
                    counted_at=now,
                )
                for pk in ids
            ],
            ["current", "settled_until", "counted_at"],
            batch_size=500,
        )
    return {**already, **{pk: counts.settled_until.get(pk) for pk in ids}}


def year_rows(counts: Counts) -> Iterable[YearTally]:
    for (organisation, year, category, sex), deployments in counts.years.items():
        key = (organisation, year, category, sex)
        yield YearTally(
            organisation_id=organisation,
            year=year,
            category=category,
            sex=sex,
            deployments=deployments,
            people=counts.people[key],
            new_people=counts.new_people[key],
        )


# --- reading ------------------------------------------------------------------------------


def summed(model: type[Model], scope: Scope, keys: list[str], **filters: Any) -> QuerySet[Any]:
    """`model`'s tallies of the scope's organisations added up per `keys`."""
    numbers = [f.name for f in model._meta.get_fields() if f.get_internal_type() in NUMBERS]
    return (
        model.objects.filter(organisation__in=scope.organisations, **filters)
        .values(*keys)
        .annotate(**{name: Sum(name) for name in numbers})
        .order_by(*keys)
    )


NUMBERS = {"PositiveIntegerField"}
