"""Comparing countries from the imported UN figures: rankings, a country's history, totals.

Ranks are the UN's "competition" ranks: countries with equal totals share a rank and the
next rank skips as many places (1, 2, 2, 4). Countries with no personnel in a month are not
ranked and not counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from stats.models import Country, PersonnelType, UNContribution, UNReport

CSV_HEADER = ["rank", "country", "total", "female", "countries"]


@dataclass
class RankRow:
    rank: int
    country: str
    iso3: str
    total: int
    female: int | None
    countries: int

    @property
    def female_share(self) -> float | None:
        """Women's share of the country's personnel, in percent."""
        if self.female is None or not self.total:
            return None
        return 100 * self.female / self.total


def competition_ranks(totals: list[int]) -> list[int]:
    """Ranks for totals sorted from the largest: equal totals share the better rank."""
    ranks: list[int] = []
    for index, total in enumerate(totals):
        ranks.append(ranks[-1] if index and total == totals[index - 1] else index + 1)
    return ranks


def country_totals(figures: QuerySet[UNContribution], *keys: str) -> QuerySet[Any]:
    """Per `keys`, the contributing countries' total and women, those with personnel only.

    `female` is None where any figure of the country lacks gender (September 2023): a sum
    over the others would understate it.
    """
    return (
        figures.values(*keys)
        .annotate(
            sum_total=Sum("total"),
            sum_female=Sum("female"),
            missing_gender=Count("pk", filter=Q(female=None)),
        )
        .filter(sum_total__gt=0)
    )


def female_of(row: dict[str, Any]) -> int | None:
    return None if row["missing_gender"] else row["sum_female"]


def own_row(rows: list[RankRow]) -> RankRow | None:
    """Our country's row of a ranking (settings.BLUEBERET_COUNTRY), if it contributed."""
    return next((row for row in rows if row.country == settings.BLUEBERET_COUNTRY), None)


def ranking(month: datetime.date, category: str | None = None) -> list[RankRow]:
    """The contributing countries of `month` (any day of it), best first."""
    figures = UNContribution.objects.filter(month=month.replace(day=1))
    if category:
        figures = figures.filter(personnel_type=category)
    totals = country_totals(figures, "country__name", "country__iso3")
    rows = list(totals.order_by("-sum_total", "country__name"))
    ranks = competition_ranks([row["sum_total"] for row in rows])
    return [
        RankRow(
            rank=rank,
            country=row["country__name"],
            iso3=row["country__iso3"],
            total=row["sum_total"],
            female=female_of(row),
            countries=len(rows),
        )
        for rank, row in zip(ranks, rows, strict=True)
    ]


def csv_rows(rows: list[RankRow]) -> list[list[object]]:
    return [
        [row.rank, row.country, row.total, "" if row.female is None else row.female, row.countries]
        for row in rows
    ]


@dataclass
class HistoryRow:
    month: datetime.date
    rank: int | None
    total: int
    female: int | None
    countries: int


def country_history(country: Country, category: str | None = None) -> list[HistoryRow]:
    """The country's rank and total in every imported month, newest first (two queries)."""
    figures = UNContribution.objects.all()
    if category:
        figures = figures.filter(personnel_type=category)
    per_country = country_totals(figures, "month", "country_id")
    by_month: dict[datetime.date, list[dict]] = defaultdict(list)
    for row in per_country:
        by_month[row["month"]].append(row)
    months = UNReport.objects.order_by("-month").values_list("month", flat=True)
    history = []
    for month in months:
        rows = sorted(by_month.get(month, []), key=lambda row: -row["sum_total"])
        ranks = competition_ranks([row["sum_total"] for row in rows])
        own = next(
            (
                (rank, row)
                for rank, row in zip(ranks, rows, strict=True)
                if row["country_id"] == country.pk
            ),
            None,
        )
        if own is None:
            history.append(HistoryRow(month, None, 0, None, len(rows)))
            continue
        rank, row = own
        history.append(HistoryRow(month, rank, row["sum_total"], female_of(row), len(rows)))
    return history


@dataclass
class SystemRow:
    month: datetime.date
    total: int
    female: int | None
    countries: int
    by_type: dict[str, int]

    @property
    def police(self) -> int:
        return self.by_type.get(PersonnelType.FPU, 0) + self.by_type.get(
            PersonnelType.INDIVIDUAL_POLICE, 0
        )

    @property
    def fpu_share_of_police(self) -> float | None:
        """Formed police units' share of all UN police, in percent."""
        return 100 * self.by_type.get(PersonnelType.FPU, 0) / self.police if self.police else None

    @property
    def female_share(self) -> float | None:
        return 100 * self.female / self.total if self.female is not None and self.total else None


def system_figures() -> list[SystemRow]:
    """System-wide figures for every imported month, newest first (three queries)."""
    by_type: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in UNContribution.objects.values("month", "personnel_type").annotate(
        sum_total=Sum("total")
    ):
        by_type[row["month"]][row["personnel_type"]] = row["sum_total"]
    countries = dict(
        UNContribution.objects.filter(total__gt=0)
        .values("month")
        .annotate(countries=Count("country", distinct=True))
        .values_list("month", "countries")
    )
    return [
        SystemRow(
            report.month,
            report.total,
            report.female,
            countries.get(report.month, 0),
            by_type[report.month],
        )
        for report in UNReport.objects.order_by("-month").only("month", "total", "female")
    ]
