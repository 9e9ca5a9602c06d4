"""The national page's tables as CSV rows and as one Excel workbook (issue 5).

Both exports read the same figures as the page (`national_figures`), so a number in the
workbook is the number on the screen.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from core.exports import workbook_bytes, write_rows
from stats import national, tallies
from stats.models import UNReport
from stats.ranking import CSV_HEADER, csv_rows, ranking


def national_figures(user: object, today: datetime.date) -> dict[str, list]:
    """Every table of the national page, computed once per request."""
    scope = tallies.current_for(user)
    months = national.reimbursement(user, today, scope)
    return {
        "deployed": national.deployed_now(user, today),
        "dispatched": national.dispatched_per_year(user, scope),
        "women": national.women_share(user, scope),
        "months": months,
        "years": national.reimbursement_by_year(months),
        "medals": national.medals_due(user, today, scope),
    }


def national_csv(name: str, figures: dict[str, list]) -> tuple[list[str], list[list]] | None:
    """One table of the national page as a CSV header and rows; None for an unknown name."""
    if name == "deployed":
        header = ["mission", "category", "men", "women", "total"]
        rows = [[r.mission, r.category, r.men, r.women, r.total] for r in figures["deployed"]]
    elif name == "dispatched":
        header = ["year", "people", "person_deployments", "people_first_dispatched"]
        header += ["cumulative_people", "cumulative_person_deployments"]
        rows = [
            [r.year, r.people, r.deployments, r.new_people]
            + [r.cumulative_people, r.cumulative_deployments]
            for r in figures["dispatched"]
        ]
    elif name == "women":
        header = ["year", "category", "people", "women", "women_percent", "target_percent"]
        rows = [
            [r.year, r.category, r.people, r.women, r.share, "" if r.target is None else r.target]
            for r in figures["women"]
        ]
    elif name == "reimbursement":
        header = ["month", "person_months", "usd_per_person_month", "rate_confirmed", "usd"]
        rows = [
            [f"{r.month:%Y-%m}", r.person_months, r.rate or "", r.confirmed, r.amount]
            for r in figures["months"]
        ]
    elif name == "medals":
        header = ["mission", "qualifying_days", "deployments", "people"]
        rows = [[r.mission, r.qualifying_days, r.deployments, r.people] for r in figures["medals"]]
    else:
        return None
    return header, rows


# Sheet titles in the order of the page; Excel limits a title to 31 characters.
SHEETS = [
    ("deployed", "Deployed now"),
    ("dispatched", "Dispatched per year"),
    ("women", "Women share vs target"),
    ("reimbursement", "Reimbursement by month"),
    ("medals", "Medals due"),
]
RANKING_SHEET = "UN ranking"


def latest_month(user: Any) -> datetime.date | None:
    """The newest UN report month `user` may see, or None."""
    reports = UNReport.objects.restrict(user, "view").order_by("-month")
    return reports.values_list("month", flat=True).first()


def statistics_workbook(user: Any, today: datetime.date) -> bytes:
    """One sheet per table of the national page, then the ranking of the newest UN month.

    Sheet titles and column headers stay English like the CSV headers: they are the stable
    names another spreadsheet or script refers to.
    """
    from openpyxl import Workbook

    figures = national_figures(user, today)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, title in SHEETS:
        header, rows = national_csv(name, figures)
        write_rows(workbook.create_sheet(title), [header, *rows])
    sheet = workbook.create_sheet(RANKING_SHEET)
    month = latest_month(user)
    if month is None:
        write_rows(sheet, [[_("No UN report is imported yet.")]])
    else:
        top = [["month", f"{month:%Y-%m}"], [], CSV_HEADER]
        write_rows(sheet, [*top, *csv_rows(ranking(month))])
    return workbook_bytes(workbook)
