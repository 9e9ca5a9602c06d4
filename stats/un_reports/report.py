"""What a parser hands back: the report's rows and the totals the report printed itself."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# The UN's five categories of uniformed personnel, under the codes stored in the database.
TROOPS = "troops"
STAFF_OFFICER = "staff_officer"
EXPERTS = "experts"
FPU = "fpu"
INDIVIDUAL_POLICE = "individual_police"


@dataclass(slots=True)
class Row:
    """One printed line of figures: a country's personnel of one type in one mission.

    `mission` is "" where the layout gives no mission (the 2018-2019 "by Country and Post"
    reports and September 2023); `male`/`female` are None where the layout gives no gender.
    """

    mission: str
    country: str
    personnel_type: str
    male: int | None
    female: int | None
    total: int
    page: int


@dataclass(slots=True)
class PrintedTotal:
    """A total the report prints, and the rows it must equal: those matching every key given.

    `label` says where it is printed (e.g. "Total for Country Argentina, page 3") so that a
    reconciliation failure can name it.
    """

    label: str
    page: int
    male: int | None
    female: int | None
    total: int | None
    mission: str | None = None
    country: str | None = None
    personnel_type: str | None = None


@dataclass(slots=True)
class ParsedReport:
    file: str
    layout: str
    as_of: datetime.date
    page_count: int
    rows: list[Row] = field(default_factory=list)
    totals: list[PrintedTotal] = field(default_factory=list)
    grand_total: PrintedTotal | None = None
    has_gender: bool = True
    # A count of data lines some layouts print under the grand total.
    printed_row_count: int | None = None
