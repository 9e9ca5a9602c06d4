"""Exports that a spreadsheet opens safely, and the reverse step for files coming back in.

A text cell that starts like a formula is prefixed with an apostrophe on the way out (CSV
and Excel alike), so a spreadsheet shows it as text instead of running it. Numbers, dates
and booleans are left as they are: a negative number must stay a number a sum can add.
An import reads such a cell back without the apostrophe (`unneutralise`), so an exported
file re-imports to the same values.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import tablib

# A cell starting with one of these is run as a formula by Excel and LibreOffice
# (CSV injection); prefixing an apostrophe makes it plain text again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
DATE_FORMAT = "yyyy-mm-dd"


def neutralise(value: object) -> object:
    """`value` made safe for a spreadsheet cell; only text is ever changed."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


def unneutralise(text: str) -> str:
    """The text that `neutralise` wrote out, read back: "'+84 912" → "+84 912".

    Only an apostrophe followed by a formula prefix is dropped; any other leading apostrophe
    is part of the value.
    """
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def neutralise_formulas(dataset: tablib.Dataset) -> None:
    """Rewrite, in place, every text cell of `dataset` that a spreadsheet would execute."""
    rows = [tuple(neutralise(cell) for cell in row) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)


def xlsx_value(value: Any) -> Any:
    """A Python value as an openpyxl cell takes it: typed where Excel has the type, text safe.

    openpyxl stores any string starting with "=" as a formula, so text goes through
    `neutralise`; lazy translations become plain text; Decimals stay numbers.
    """
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.date):
        return value
    return neutralise(str(value))


def write_rows(sheet: Any, rows: Iterable[Sequence[Any]], start_row: int = 1) -> int:
    """Write `rows` into an openpyxl worksheet from `start_row` down, cells by `xlsx_value`.

    Dates are shown as ISO dates (Excel's default would follow the reader's locale, and
    01/03/2024 means different days in Hanoi and New York). Returns the next free row.
    """
    row_number = start_row
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=xlsx_value(value))
            if isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
        row_number += 1
    return row_number


def workbook_bytes(workbook: Any) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
