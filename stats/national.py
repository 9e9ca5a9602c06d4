"""National statistics from our own deployment records (issue 5).

Every figure covers the deployments `user` may view (`Deployment.objects.restrict`), so a
ministry counts only its own people. The counts that no longer change come from the
per-organisation tallies of stats.tallies; what still changes with the date (deployed now,
the days and medals of those still out there) is counted from the deployments by the
database (GROUP BY, COUNT DISTINCT): Python only walks grouped rows, never the deployments.

A deployment counts as dispatched once it reached the mission: state deployed or repatriated.
Its service runs from the recorded arrival (the planned start when none was recorded) to the
real return (the planned end while none is recorded), never beyond today.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Least

from deployments.models import Deployment
from deployments.queries import deployed_now_by_mission
from missions.models import Mission
from people.models import Sex
from stats import tallies
from stats.models import MedalTally, MonthTally, ParityTarget, ReimbursementRate, YearTally
from units.models import Category

DISPATCHED_STATES = tallies.DISPATCHED_STATES
CATEGORY = "position__rotation__unit_type__category"
MISSION = "position__rotation__mission__code"
CATEGORY_LABELS = dict(Category.choices)


def arrival() -> Coalesce:
    return Coalesce("arrived_on", "starts_on", output_field=DateField())


def service_end(today: datetime.date) -> Least:
    # Coalesce first: SQLite's MIN() of a NULL is NULL, PostgreSQL's LEAST skips it.
    return Least(
        Coalesce("returned_on", "ends_on", output_field=DateField()),
        Value(today, output_field=DateField()),
    )


def dispatched(user: Any) -> QuerySet[Deployment]:
    """The deployments in `user`'s scope that reached their mission."""
    return Deployment.objects.restrict(user, "view").filter(state__in=DISPATCHED_STATES)


# --- deployed now -------------------------------------------------------------------------


@dataclass
class DeployedRow:
    mission: str
    category: str
    category_label: str
    men: int
    women: int

    @property
    def total(self) -> int:
        return self.men + self.women


def deployed_now(user: Any, today: datetime.date) -> list[DeployedRow]:
    """People in the mission area on `today`, by mission, personnel category and sex."""
    return [
        DeployedRow(
            mission=row["mission"],
            category=row["category_code"],
            category_label=str(row["category"] or row["category_code"]),
            men=row["total"] - row["women"],
            women=row["women"],
        )
        for row in deployed_now_by_mission(user, today)
    ]


# --- dispatched per year ------------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    people: int
    deployments: int
    new_people: int = 0
    cumulative_people: int = 0
    cumulative_deployments: int = 0


def dispatched_per_year(user: Any, scope: tallies.Scope | None = None) -> list[YearRow]:
    """Per year of arrival: distinct people and person-deployments, and both since the first.

    The cumulative count of people cannot add up yearly distinct counts (a person sent in
    2018 and 2022 would count twice), so each person also counts as new in the year of their
    first dispatch, and the cumulative count adds those up.
    """
    scope = scope or tallies.current_for(user)
    yearly = tallies.summed(YearTally, scope, ["year"], category=tallies.ALL_CATEGORIES)
    rows = []
    people = deployments = 0
    for found in yearly:
        people += found["new_people"]
        deployments += found["deployments"]
        rows.append(
            YearRow(
                year=found["year"],
                people=found["people"],
                deployments=found["deployments"],
                new_people=found["new_people"],
                cumulative_people=people,
                cumulative_deployments=deployments,
            )
        )
    return rows


# --- women's share against the UN's targets -----------------------------------------------


@dataclass
class ShareRow:
    year: int
    category: str
    category_label: str
    people: int
    women: int
    target: Decimal | None

    @property
    def share(self) -> Decimal:
        if not self.people:
            return Decimal(0)
        return (Decimal(100) * self.women / self.people).quantize(Decimal("0.1"))

    @property
    def meets_target(self) -> bool | None:
        return None if self.target is None else self.share >= self.target


def women_share(user: Any, scope: tallies.Scope | None = None) -> list[ShareRow]:
    """Distinct people dispatched per year and category, women among them, and the target.

    Targets are the UN's policy, the same for every user, so they are read unscoped.
    """
    targets = dict(((t.category, t.year), t.target_percent) for t in ParityTarget.objects.all())
    scope = scope or tallies.current_for(user)
    cells: dict[tuple[int, str], list[int]] = {}
    for found in tallies.summed(YearTally, scope, ["year", "category", "sex"]):
        if found["category"] == tallies.ALL_CATEGORIES:
            continue
        cell = cells.setdefault((found["year"], found["category"]), [0, 0])
        cell[0] += found["people"]
        if found["sex"] == Sex.FEMALE:
            cell[1] += found["people"]
    return [
        ShareRow(
            year=year,
            category=category,
            category_label=str(CATEGORY_LABELS.get(category, category)),
            people=people,
            women=women,
            target=targets.get((category, year)),
        )
        for (year, category), (people, women) in cells.items()
    ]


# --- reimbursement estimate ---------------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    person_months: Decimal
    rate: Decimal | None
    confirmed: bool
    amount: Decimal


CENT = Decimal("0.01")


def rate_on(rates: list[ReimbursementRate], day: datetime.date) -> ReimbursementRate | None:
    valid = [rate for rate in rates if rate.valid_from <= day]
    return valid[-1] if valid else None


def reimbursement(
    user: Any, today: datetime.date, scope: tallies.Scope | None = None
) -> list[MonthRow]:
    """Person-months served per calendar month × the rate valid on the month's first day.

    A month's person-months are its person-days over its length, so a stay of half of June
    is half a person-month. Returned deployments' days come from the tallies; the days of
    those still out there (or all, for a day before the latest recorded return) are counted
    from the deployments.
    """
    scope = scope or tallies.current_for(user)
    if not scope.answers_for(today):
        person_days = days_served(dispatched(user), today)
    else:
        person_days = days_served(dispatched(user).filter(returned_on__isnull=True), today)
        for found in tallies.summed(MonthTally, scope, ["month"]):
            person_days[found["month"]] += found["person_days"]
    rates = list(ReimbursementRate.objects.order_by("valid_from"))
    rows = []
    for month in sorted(person_days):
        length = calendar.monthrange(month.year, month.month)[1]
        person_months = Decimal(person_days[month]) / length
        rate = rate_on(rates, month)
        amount = person_months * rate.usd_per_person_month if rate else Decimal(0)
        rows.append(
            MonthRow(
                month=month,
                person_months=person_months.quantize(CENT, ROUND_HALF_UP),
                rate=rate.usd_per_person_month if rate else None,
                confirmed=bool(rate and rate.confirmed),
                amount=amount.quantize(CENT, ROUND_HALF_UP),
            )
        )
    return rows


def days_served(deployments: QuerySet[Deployment], today: datetime.date) -> Counter[datetime.date]:
    """Person-days per calendar month (keyed by its first day) up to `today`.

    The database counts deployments by first day and by last day of service (two GROUP BYs,
    at most one row per calendar day); tallies.person_days_per_month adds them up.
    """
    scope = deployments.annotate(first_day=arrival(), last_day=service_end(today)).filter(
        first_day__lte=F("last_day")
    )
    change: dict[datetime.date, int] = defaultdict(int)
    for field, sign, shift in (("first_day", 1, 0), ("last_day", -1, 1)):
        # The day after the last day of service is the first without the person.
        counted = scope.values(field).annotate(n=Count("id")).values_list(field, "n").order_by()
        for day, n in counted:
            change[day + datetime.timedelta(days=shift)] += sign * n
    return tallies.person_days_per_month(change, until=today)


def reimbursement_by_year(months: list[MonthRow]) -> list[dict[str, Any]]:
    """The monthly estimate summed per year, noting years that rest on an unconfirmed rate."""
    years: dict[int, dict[str, Any]] = {}
    for row in months:
        year = years.setdefault(
            row.month.year,
            {
                "year": row.month.year,
                "person_months": Decimal(0),
                "amount": Decimal(0),
                "unconfirmed": False,
                "unpriced": False,
            },
        )
        year["person_months"] += row.person_months
        year["amount"] += row.amount
        year["unconfirmed"] |= row.rate is not None and not row.confirmed
        year["unpriced"] |= row.rate is None
    return list(years.values())


# --- UN medals ----------------------------------------------------------------------------


@dataclass
class MedalRow:
    mission: str
    qualifying_days: int
    deployments: int
    people: int


def medals_due(
    user: Any, today: datetime.date, scope: tallies.Scope | None = None
) -> list[MedalRow]:
    """Per mission, the deployments whose continuous service reached its qualifying days.

    Returned deployments come from the tallies; those still out there are counted from the
    deployments, their people only where no returned tour at that mission already qualified
    them (a person earns the mission's medal once). For a day before the latest recorded
    return, everything is counted from the deployments.
    """
    scope = scope or tallies.current_for(user)
    if not scope.answers_for(today):
        return medal_rows(medals_counted(dispatched(user), today))
    found: dict[tuple[str, int], list[int]] = {}
    for row in tallies.summed(MedalTally, scope, ["mission__code", "qualifying_days"]):
        key = (row["mission__code"], row["qualifying_days"])
        found[key] = [row["deployments"], row["people"]]
    out_there = medals_counted(
        dispatched(user).filter(returned_on__isnull=True), today, excluding_qualified=True
    )
    for key, (deployments, people) in out_there.items():
        cell = found.setdefault(key, [0, 0])
        cell[0] += deployments
        cell[1] += people
    return medal_rows(found)


def medal_rows(found: dict[tuple[str, int], list[int]]) -> list[MedalRow]:
    return [
        MedalRow(mission, days, deployments, people)
        for (mission, days), (deployments, people) in sorted(found.items())
    ]


MEDAL_DAYS = "position__rotation__mission__medal_qualifying_days"


def qualified(
    deployments: QuerySet[Deployment], today: datetime.date, periods: list[int]
) -> QuerySet[Deployment]:
    """The deployments whose service up to `today` reached their mission's qualifying days.

    Service days count both ends: arriving on 1 January, the 90th day is 31 March. Days are
    compared as durations (end - start >= days - 1), which Django translates for both
    SQLite and PostgreSQL; one condition per distinct qualifying period, because a column
    cannot be turned into an interval portably.
    """
    scope = deployments.alias(
        served=ExpressionWrapper(service_end(today) - arrival(), output_field=DurationField())
    )
    condition = Q(pk__in=[])
    for days in periods:
        condition |= Q(**{MEDAL_DAYS: days}, served__gte=datetime.timedelta(days=days - 1))
    return scope.filter(condition)


def medals_counted(
    deployments: QuerySet[Deployment], today: datetime.date, excluding_qualified: bool = False
) -> dict[tuple[str, int], list[int]]:
    """[deployments, people] qualified by `today`, per (mission code, qualifying days).

    With `excluding_qualified`, people count only where none of their returned tours at the
    mission qualified already (those are in the tallies).
    """
    periods = sorted(set(Mission.objects.values_list("medal_qualifying_days", flat=True)))
    scope = qualified(deployments, today, periods)
    people = Count("person", distinct=True)
    if excluding_qualified:
        returned = qualified(
            Deployment.objects.filter(state__in=DISPATCHED_STATES, returned_on__isnull=False),
            today,
            periods,
        ).filter(
            person=OuterRef("person"),
            position__rotation__mission=OuterRef("position__rotation__mission"),
        )
        scope = scope.alias(already=Exists(returned))
        people = Count("person", distinct=True, filter=Q(already=False))
    grouped = (
        scope.values(MISSION, MEDAL_DAYS)
        .annotate(deployments=Count("id"), people=people)
        .order_by(MISSION)
    )
    return {(row[MISSION], row[MEDAL_DAYS]): [row["deployments"], row["people"]] for row in grouped}


# --- women's share, for the charts ---------------------------------------------------------


@dataclass
class ParitySeries:
    """One category's women's share and UN target, year by year (None: no figure)."""

    category: str
    category_label: str
    rows: list[ShareRow]


@dataclass
class ParityYear:
    year: int
    # (share, target) per category, in the order of the series.
    cells: list[tuple[Decimal | None, Decimal | None]]


def parity_by_category(rows: list[ShareRow]) -> list[ParitySeries]:
    """The rows of `women_share` grouped by category, in the order of the categories."""
    grouped: dict[str, list[ShareRow]] = defaultdict(list)
    for row in rows:
        grouped[row.category].append(row)
    order = list(CATEGORY_LABELS)
    return [
        ParitySeries(category, grouped[category][0].category_label, grouped[category])
        for category in sorted(grouped, key=lambda c: order.index(c) if c in order else len(order))
    ]


def parity_by_year(series: list[ParitySeries]) -> list[ParityYear]:
    """One row per year with every category's share and target side by side.

    A year where a category sent nobody has no share (a gap in the chart), not 0 %.
    """
    years = sorted({row.year for one in series for row in one.rows})
    found = {(one.category, row.year): row for one in series for row in one.rows}
    table = []
    for year in years:
        cells = [found.get((one.category, year)) for one in series]
        table.append(
            ParityYear(
                year=year,
                cells=[(cell.share, cell.target) if cell else (None, None) for cell in cells],
            )
        )
    return table
