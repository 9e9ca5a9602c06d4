"""Import files for tests and the benchmark: written as a spreadsheet program would write them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from core.exports import workbook_bytes
from people.imports.columns import TEMPLATE_COLUMNS

HEADINGS = [c.label for c in TEMPLATE_COLUMNS]


def xlsx_bytes(
    rows: Iterable[Sequence[Any]],
    merges: Sequence[str] = (),
    title: str = "People",
    write_only: bool = False,
) -> bytes:
    """A workbook whose first sheet holds `rows` as given (no neutralising: raw user input)."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet(title) if write_only else book.active
    if not write_only:
        sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    return workbook_bytes(book)


def csv_bytes(
    rows: Iterable[Sequence[Any]], delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def table(records: Sequence[dict[str, Any]], keys: Sequence[str] | None = None) -> list[list[Any]]:
    """Rows for a file: the headings of `keys` (default: every key used), then each record."""
    from people.imports.columns import BY_KEY

    if keys is None:
        keys = list(dict.fromkeys(key for record in records for key in record))
    return [[BY_KEY[key].label for key in keys], *[[r.get(key) for key in keys] for r in records]]
