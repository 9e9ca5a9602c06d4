"""Ranking contributing countries: the UN's own ranking of January 2021, ties, the command."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from stats.countries import ensure_countries
from stats.imports import import_report
from stats.models import Country, UNContribution, UNReport
from stats.ranking import competition_ranks, ranking

pytestmark = pytest.mark.django_db


def make_month(
    month: datetime.date, totals: dict[str, tuple[int, int]], category: str = "troops"
) -> UNReport:
    """A month of figures: {ISO3: (total, female)}."""
    ensure_countries()
    report = UNReport.objects.create(
        file_name=f"{month:%Y_%m}.pdf",
        sha256=f"{month:%Y%m}".ljust(64, "0"),
        as_of=month,
        month=month,
        layout="test",
        page_count=1,
        line_count=len(totals),
        total=sum(total for total, _ in totals.values()),
        female=sum(female for _, female in totals.values()),
    )
    for iso3, (total, female) in totals.items():
        UNContribution.objects.create(
            report=report,
            month=month,
            mission="UNMISS",
            country=Country.objects.get(iso3=iso3),
            personnel_type=category,
            male=total - female,
            female=female,
            total=total,
        )
    return report


def test_the_january_2021_ranking_reproduces_the_uns_own_for_every_country(un_pdf, un_data):
    import_report(un_pdf("2021_01"))
    with open(un_data / "other" / "un_ranking_2021-01.csv", encoding="utf-8-sig") as handle:
        official = {row["ISOCode3"]: row for row in csv.DictReader(handle)}

    ours = {row.iso3: row for row in ranking(datetime.date(2021, 1, 1))}

    assert set(ours) == set(official)
    for iso3, row in official.items():
        expected = (
            int(row["Personnel_Contribution_Rank"]),
            int(row["Total_Uniformed_Personnel"]),
            int(row["Female_Personnel"]),
        )
        assert (ours[iso3].rank, ours[iso3].total, ours[iso3].female) == expected, row
    assert {row.countries for row in ours.values()} == {len(official)}


def test_countries_with_equal_totals_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([50, 40, 40, 30, 30, 30, 10]) == [1, 2, 2, 4, 4, 4, 7]


def test_ties_share_a_rank_and_countries_without_personnel_are_not_ranked():
    month = datetime.date(2021, 3, 1)
    make_month(
        month, {"BGD": (100, 5), "NPL": (80, 4), "IND": (80, 6), "VNM": (70, 10), "FJI": (0, 0)}
    )

    rows = ranking(month)

    assert [(r.country, r.rank) for r in rows] == [
        ("Bangladesh", 1),
        ("India", 2),
        ("Nepal", 2),
        ("Viet Nam", 4),
    ]
    assert {r.countries for r in rows} == {4}


def test_a_category_is_ranked_on_its_own():
    month = datetime.date(2021, 3, 1)
    report = make_month(month, {"BGD": (100, 5), "VNM": (70, 10)})
    UNContribution.objects.create(
        report=report,
        month=month,
        mission="UNISFA",
        country=Country.objects.get(iso3="VNM"),
        personnel_type="staff_officer",
        male=5,
        female=2,
        total=7,
    )

    assert [(r.country, r.total) for r in ranking(month, "staff_officer")] == [("Viet Nam", 7)]
    assert [(r.country, r.total) for r in ranking(month)] == [("Bangladesh", 100), ("Viet Nam", 77)]


def test_the_command_prints_the_ranking_as_csv_with_the_agreed_header():
    make_month(datetime.date(2021, 3, 1), {"BGD": (100, 5), "NPL": (80, 4), "IND": (80, 6)})
    out = io.StringIO()

    call_command("un_ranking", "--month", "2021-03", stdout=out)

    assert out.getvalue().splitlines() == [
        "rank,country,total,female,countries",
        "1,Bangladesh,100,5,3",
        "2,India,80,6,3",
        "2,Nepal,80,4,3",
    ]


def test_the_command_says_when_a_month_has_no_report():
    with pytest.raises(CommandError, match="no UN report is imported for 2021-03"):
        call_command("un_ranking", "--month", "2021-03", stdout=io.StringIO())


def test_the_command_refuses_a_malformed_month():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("un_ranking", "--month", "January 2021", stdout=io.StringIO())
