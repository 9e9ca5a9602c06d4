"""Helpers every layout parser shares: the table body of each page, the report's date."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterator
from typing import NoReturn

from .errors import ReportRefused
from .extract import Document, Line
from .tokens import Parts, is_page_furniture, parse_date, parts


class Refuse:
    """Raises ReportRefused for one document, naming the page and the line where it can."""

    def __init__(self, document: Document) -> None:
        self.file = document.name

    def __call__(self, reason: str, page: int | None = None, line: Line | None = None) -> NoReturn:
        where = f"page {page}: " if page else ""
        seen = f" (line: '{line.text[:120]}')" if line is not None else ""
        raise ReportRefused(self.file, f"{where}{reason}{seen}")


def is_column_header(line: Line) -> bool:
    """The table's column header, repeated at the top of every page."""
    words = {w.text.lower().rstrip(":") for w in line.words}
    if "female" in words and "male" in words:
        return True
    if {"m", "f"} <= words and ("totals" in words or "total" in words):
        return True
    # The September 2023 matrix and the October 2019 matrix name categories, not genders.
    return {"country", "troops", "total"} <= words or ({"country", "unmem"} <= words)


def body_lines(
    document: Document, header: Callable[[Line], bool] = is_column_header
) -> Iterator[tuple[int, Parts]]:
    """Lines below each page's column header (the whole page if it repeats none), no footers."""
    for page in document.pages:
        lines = page.lines
        for index, line in enumerate(lines):
            if header(line):
                lines = lines[index + 1 :]
                break
        else:
            # Some reports repeat only the title block, ending with its "As of" date.
            for index, line in enumerate(lines[:6]):
                if line.text.lower().startswith("as of"):
                    lines = lines[index + 1 :]
                    break
        for line in lines:
            if is_page_furniture(line.text):
                continue
            yield page.number, parts(line)


def title_lines(
    document: Document, header: Callable[[Line], bool] = is_column_header
) -> list[Line]:
    """The first page's lines above the column header: title, subtitle and date."""
    result = []
    for line in document.pages[0].lines:
        if header(line):
            break
        result.append(line)
    return result


def first_slash_date(lines: list[Line]) -> datetime.date | None:
    """The first dd/mm/yyyy date in these lines ("As of: 31/10/2023", "... Troops 31/05/2017")."""
    for line in lines:
        for word in line.words:
            found = parse_date(word.text)
            if found:
                return found
    return None


MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}


def printed_as_of(
    document: Document,
    refuse: Refuse,
    missing: str = "no 'as of' date (dd/mm/yyyy) is printed above the table",
) -> datetime.date:
    """The dd/mm/yyyy date printed above the table; the report is refused without one."""
    as_of = first_slash_date(title_lines(document))
    if as_of is None:
        refuse(missing)
    return as_of


def end_of_month_date(text: str) -> datetime.date | None:
    """ "by End of November, 2016" → 30 November 2016."""
    match = re.search(r"end of ([A-Za-z]+),?\s*(\d{4})", text, re.IGNORECASE)
    if not match or match.group(1).lower() not in MONTHS:
        return None
    year, month = int(match.group(2)), MONTHS[match.group(1).lower()]
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_of_report_date(text: str) -> datetime.date | None:
    """ "Month of Report : 31-Jan-15" → 31 January 2015."""
    match = re.search(r"month of report\s*:\s*(\d{1,2}-[A-Za-z]{3}-\d{2})", text, re.IGNORECASE)
    if not match:
        return None
    return datetime.datetime.strptime(match.group(1), "%d-%b-%y").date()


def single_row_date(dates: set[datetime.date], refuse: Refuse) -> datetime.date:
    """Layouts that print the date on every row must print one date only."""
    if not dates:
        refuse("no report date is printed on its rows")
    if len(dates) > 1:
        listed = ", ".join(sorted(d.strftime("%d/%m/%Y") for d in dates))
        refuse(f"its rows carry different report dates ({listed})")
    return next(iter(dates))


GENDER_HEADERS = ({"m", "male"}, {"f", "female"}, {"total", "totals"})


def gender_columns(document: Document) -> list[float] | None:
    """Horizontal centres of the male, female and total columns, from page 1's header."""
    for line in document.pages[0].lines:
        if is_column_header(line):
            centres = []
            for names in GENDER_HEADERS:
                found = [w for w in line.words if w.text.lower() in names]
                if len(found) != 1:
                    return None
                centres.append((found[0].x0 + found[0].x1) / 2)
            return centres
    return None


def by_column(line: Parts, centres: list[float]) -> list[int | None] | None:
    """Male, female, total of a line where some cells are blank: each figure goes to the
    column whose header is nearest; None where the report prints nothing."""
    result: list[int | None] = [None, None, None]
    for word, value in zip(line.numbers, line.values, strict=True):
        middle = (word.x0 + word.x1) / 2
        column = min(range(3), key=lambda index: abs(centres[index] - middle))
        if result[column] is not None:
            return None
        result[column] = value
    return result
