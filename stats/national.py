"""National statistics from our own deployment records (issue 5).

Every figure starts from `Deployment.objects.restrict(user, "view")`, so a ministry counts
only its own people, and is computed by the database (GROUP BY, COUNT DISTINCT, correlated
subqueries): Python only walks the few grouped rows, never the deployments themselves.

A deployment counts as dispatched once it reached the mission: state deployed or repatriated.
Its service runs from the recorded arrival (the planned start when none was recorded) to the
real return (the planned end while none is recorded), never beyond today.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, Least

from deployments.models import Deployment, State
from deployments.queries import on_mission
from people.models import Sex
from stats.models import ParityTarget, ReimbursementRate
from units.models import Category

DISPATCHED_STATES = [State.DEPLOYED, State.REPATRIATED]
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
    grouped = (
        Deployment.objects.restrict(user, "view")
        .filter(on_mission(today))
        .values(MISSION, CATEGORY)
        .annotate(
            women=Count("id", filter=Q(person__sex=Sex.FEMALE)),
            men=Count("id", filter=~Q(person__sex=Sex.FEMALE)),
        )
        .order_by(MISSION, CATEGORY)
    )
    return [
        DeployedRow(
            mission=row[MISSION],
            category=row[CATEGORY],
            category_label=str(CATEGORY_LABELS.get(row[CATEGORY], row[CATEGORY])),
            men=row["men"],
            women=row["women"],
        )
        for row in grouped
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


def dispatched_per_year(user: Any) -> list[YearRow]:
    """Per year of arrival: distinct people and person-deployments, and both since the first.

    The cumulative count of people cannot add up yearly distinct counts (a person sent in
    2018 and 2022 would count twice), so each person is counted in the year of their first
    dispatch, found by a correlated subquery.
    """
    scope = dispatched(user)
    yearly = (
        scope.annotate(year=ExtractYear(arrival()))
        .values("year")
        .annotate(people=Count("person", distinct=True), deployments=Count("id"))
        .order_by("year")
    )
    first = (
        Deployment.objects.filter(person=OuterRef("person"), state__in=DISPATCHED_STATES)
        .annotate(arrived=arrival())
        .order_by("arrived", "pk")
        .values("pk")[:1]
    )
    firsts = dict(
        scope.filter(pk=Subquery(first))
        .annotate(year=ExtractYear(arrival()))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    rows = [YearRow(r["year"], r["people"], r["deployments"]) for r in yearly]
    people = deployments = 0
    for row in rows:
        row.new_people = firsts.get(row.year, 0)
        people += row.new_people
        deployments += row.deployments
        row.cumulative_people = people
        row.cumulative_deployments = deployments
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


def parity_target(category: str, year: int) -> Decimal | None:
    """The UN's target for `category` in `year`, or None where none is set."""
    found = ParityTarget.objects.filter(category=category, year=year).first()
    return found.target_percent if found else None


def women_share(user: Any) -> list[ShareRow]:
    """Distinct people dispatched per year and category, women among them, and the target.

    Targets are the UN's policy, the same for every user, so they are read unscoped.
    """
    targets = dict(((t.category, t.year), t.target_percent) for t in ParityTarget.objects.all())
    grouped = (
        dispatched(user)
        .annotate(year=ExtractYear(arrival()))
        .values("year", CATEGORY)
        .annotate(
            people=Count("person", distinct=True),
            women=Count("person", distinct=True, filter=Q(person__sex=Sex.FEMALE)),
        )
        .order_by("year", CATEGORY)
    )
    return [
        ShareRow(
            year=row["year"],
            category=row[CATEGORY],
            category_label=str(CATEGORY_LABELS.get(row[CATEGORY], row[CATEGORY])),
            people=row["people"],
            women=row["women"],
            target=targets.get((row[CATEGORY], row["year"])),
        )
        for row in grouped
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


def reimbursement(user: Any, today: datetime.date) -> list[MonthRow]:
    """Person-months served per calendar month × the rate valid on the month's first day.

    The database counts deployments by first day and by last day of service (two GROUP BYs,
    at most one row per calendar day); a running sum over the days then gives the people
    present each day without reading one deployment. A month's person-months are its
    person-days over its length, so a stay of half of June is half a person-month.
    """
    scope = (
        dispatched(user)
        .annotate(first_day=arrival(), last_day=service_end(today))
        .filter(first_day__lte=F("last_day"))
    )
    change: dict[datetime.date, int] = defaultdict(int)
    for field, sign, shift in (("first_day", 1, 0), ("last_day", -1, 1)):
        # The day after the last day of service is the first without the person.
        counted = scope.values(field).annotate(n=Count("id")).values_list(field, "n").order_by()
        for day, n in counted:
            change[day + datetime.timedelta(days=shift)] += sign * n
    if not change:
        return []
    rates = list(ReimbursementRate.objects.order_by("valid_from"))
    person_days: dict[datetime.date, int] = defaultdict(int)
    day, present = min(change), 0
    while day <= today:
        present += change.get(day, 0)
        if present:
            person_days[day.replace(day=1)] += present
        day += datetime.timedelta(days=1)
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


def medals_due(user: Any, today: datetime.date) -> list[MedalRow]:
    """Per mission, the deployments whose continuous service reached its qualifying days.

    Service days count both ends: arriving on 1 January, the 90th day is 31 March. Days are
    compared as durations (end - start >= days - 1), which Django translates for both
    SQLite and PostgreSQL; one condition per distinct qualifying period, because a column
    cannot be turned into an interval portably.
    """
    days_field = "position__rotation__mission__medal_qualifying_days"
    scope = dispatched(user).alias(
        served=ExpressionWrapper(service_end(today) - arrival(), output_field=DurationField())
    )
    periods = sorted(set(scope.values_list(days_field, flat=True).order_by().distinct()))
    if not periods:
        return []
    qualifies = Q()
    for days in periods:
        qualifies |= Q(**{days_field: days}, served__gte=datetime.timedelta(days=days - 1))
    grouped = (
        scope.filter(qualifies)
        .values(MISSION, days_field)
        .annotate(deployments=Count("id"), people=Count("person", distinct=True))
        .order_by(MISSION)
    )
    return [
        MedalRow(row[MISSION], row[days_field], row["deployments"], row["people"])
        for row in grouped
    ]


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
