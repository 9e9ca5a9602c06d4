"""Reading an uploaded .xlsx or .csv into a heading and numbered rows, or one clear refusal.

Rows keep the numbers the spreadsheet shows (the heading is row 1), empty rows are skipped,
and a merged range is read as its top-left value in every cell it covers: an officer who
merges "H175" over ten rows means those ten people are of H175. Limits (size, rows, how far
a workbook may expand when unzipped) are checked before the work they would make.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.cell import get_column_letter, range_boundaries

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
# A workbook is a zip: a few MB can unpack to gigabytes of XML (a "zip bomb").
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
DATA_SHEET = "People"

Progress = Callable[[int, int], None]


class FileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Sheet:
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    notices: list[str] = field(default_factory=list)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def too_large(size: int) -> str:
    return _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.") % {
        "size": megabytes(size),
        "limit": megabytes(MAX_BYTES),
    }


def read_file(path: Path, name: str, progress: Progress | None = None) -> Sheet:
    """The heading and non-empty rows of the .xlsx or .csv at `path` (uploaded as `name`)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FileError(too_large(size))
    if size == 0:
        raise FileError(_("The file is empty."))
    with path.open("rb") as stream:
        start = stream.read(8)
    lowered = name.lower()
    if start.startswith(b"PK\x03\x04"):
        if not lowered.endswith((".xlsx", ".xlsm")):
            raise FileError(_("This file is no .xlsx workbook; upload an .xlsx or .csv file."))
        sheet = read_xlsx(path, progress)
    elif start.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(_("This is an old Excel .xls file; save it as .xlsx and upload that."))
    elif lowered.endswith((".xlsx", ".xlsm")):
        raise FileError(damaged())
    elif lowered.endswith((".csv", ".txt")):
        sheet = read_csv(path, progress)
    else:
        raise FileError(_("Upload an .xlsx or .csv file."))
    if not sheet.header:
        raise FileError(_("The file has no heading row and no rows."))
    return sheet


# --- .xlsx -------------------------------------------------------------------------------


def read_xlsx(path: Path, progress: Progress | None = None) -> Sheet:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise FileError(damaged()) from error
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileError(_("The workbook unpacks to too much data; split it into smaller files."))
    # Opened as a stream: openpyxl refuses a path not named *.xlsx, and an upload waits under
    # a name of our own.
    with path.open("rb") as stream:
        try:
            # read_only streams the sheet row by row; data_only gives what the cells show (a
            # formula's last computed value), which is what the officer sees and means.
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise FileError(damaged()) from error
        try:
            names = book.sheetnames
            sheet = book[DATA_SHEET] if DATA_SHEET in names else book.worksheets[0]
            merges = merged_ranges(path, getattr(sheet, "_worksheet_path", None))
            total = sheet.max_row or 0
            # The size a sheet declares may be wrong (some programs write none, or a stale
            # one), and openpyxl would stop early: read to the real end instead.
            sheet.reset_dimensions()
            return collect(iter_xlsx(sheet, merges), total, progress, merges_notice(merges))
        except FileError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as error:
            raise FileError(damaged()) from error
        finally:
            book.close()


def damaged() -> str:
    return _("The workbook is damaged or incomplete; save it again and upload it.")


MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def merged_ranges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of every merged range of the sheet.

    openpyxl's read-only mode does not report merges, so the sheet's XML is scanned for its
    <mergeCell> elements (a streaming pass over the bytes, no XML tree is built).
    """
    if not member:
        return []
    found = []
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as stream:
        while chunk := stream.read(1 << 20):
            block = tail + chunk
            found.extend(match.group(1).decode() for match in MERGE.finditer(block))
            # Keep the end of the block: an element may straddle two chunks.
            cut = block.rfind(b"<")
            tail = block[cut:] if cut >= 0 and b">" not in block[cut:] else b""
    return [range_boundaries(ref) for ref in dict.fromkeys(found)]


def merges_notice(merges: list[tuple[int, int, int, int]]) -> list[str]:
    if not merges:
        return []
    refs = [f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}" for c1, r1, c2, r2 in merges]
    shown = ", ".join(refs[:10]) + (" …" if len(refs) > 10 else "")
    return [
        ngettext(
            "Merged cells (%(ranges)s): each cell of the range was read as its first cell.",
            "Merged cells (%(ranges)s): each cell of a range was read as its first cell.",
            len(refs),
        )
        % {"ranges": shown}
    ]


def iter_xlsx(sheet: Any, merges: list[tuple[int, int, int, int]]) -> Iterator[list[Any]]:
    """The sheet's rows from row 1 as lists, merged ranges filled from their top-left cell.

    Missing rows come as empty ones, so the numbering stays the one the sheet shows.
    """
    by_row: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges:
        for row in range(merge[1], merge[3] + 1):
            by_row.setdefault(row, []).append(merge)
    top_left: dict[tuple[int, int], Any] = {}
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = list(row)
        if number in by_row:
            values = fill(values, by_row[number], number, top_left)
        yield values


def fill(
    values: list[Any],
    merges: Any,
    number: int,
    top_left: dict[tuple[int, int], Any],
) -> list[Any]:
    for c1, r1, c2, _r2 in merges:
        if number == r1:
            top_left[(r1, c1)] = values[c1 - 1] if c1 - 1 < len(values) else None
        value = top_left.get((r1, c1))
        if len(values) < c2:
            values = values + [None] * (c2 - len(values))
        for column in range(c1, c2 + 1):
            values[column - 1] = value
    return values


# --- .csv ----------------------------------------------------------------------------------


def read_csv(path: Path, progress: Progress | None = None) -> Sheet:
    content = path.read_bytes()
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8-sig"
    try:
        decoded = content.decode(encoding)
    except UnicodeDecodeError as error:
        raise FileError(
            _("The file is not UTF-8 text; in Excel, save it as “CSV UTF-8”.")
        ) from error
    if "\x00" in decoded:
        raise FileError(_("This is no text file; upload an .xlsx or .csv file."))
    first_line = decoded.split("\n", 1)[0]
    # Excel writes ";" where the decimal separator is a comma, "\t" for "Unicode text".
    delimiter = max(",;\t", key=first_line.count)
    total = decoded.count("\n") + 1
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[list[Any]]:
        try:
            yield from reader
        except csv.Error as error:
            raise FileError(
                _(
                    "Row %(row)d: the file ends inside a quoted cell or a quote is misplaced; "
                    "the file may be cut short."
                )
                % {"row": reader.line_num}
            ) from error

    return collect(rows(), total, progress, [])


# --- both ----------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def collect(
    rows: Iterator[list[Any]], total: int, progress: Progress | None, notices: list[str]
) -> Sheet:
    """The first non-empty row as heading, then every non-empty row with its number."""
    header: list[Any] = []
    body: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(rows, start=1):
        if all(is_empty(value) for value in values):
            continue
        values = trim(values)
        if not header:
            header = values
            continue
        body.append((number, values))
        if len(body) > MAX_ROWS:
            raise FileError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        if progress and number % 500 == 0:
            progress(number, max(total, number))
    return Sheet(header=header, rows=body, notices=notices)


def trim(values: list[Any]) -> list[Any]:
    """Drop empty cells at the end of a row (spreadsheets pad rows to the widest one)."""
    end = len(values)
    while end and is_empty(values[end - 1]):
        end -= 1
    return list(values[:end])


def column_letter(index: int) -> str:
    """The spreadsheet's name for the 0-based column `index`: 0 → A, 27 → AB."""
    return get_column_letter(index + 1)
