"""Reading an uploaded spreadsheet (.xlsx or .csv) into a heading and numbered rows, or one
clear refusal: the one reader of every spreadsheet upload (the people import, a course run's
results, any later one).

An upload may be hostile, or simply not what its name says, so every limit is checked before
the work it bounds, and each refusal names the limit passed:

1. the file's size, and that its content is what its name says (a workbook is a zip with
   the parts of an Excel workbook; a CSV file is text);
2. for a workbook, before openpyxl opens it (core.workbook_checks): the zip's directory
   (members, unpacked sizes, compression ratios), every XML part's prolog (no document
   type, so no entities); the parts openpyxl parses whole (core.workbook_parts: content
   types, workbook, relationships, styles, theme, properties), each to a size, all together
   to a number of XML elements, the styles to a number of formats; and each sheet's XML
   streamed as bytes: the size it declares, how far down and across its cells go, how many
   cells, every merged range's area, and the length of every text (of the shared strings'
   too);
3. then the rows, read by openpyxl in read-only mode (a stream, without the declared size,
   never wider than the column limit, chart sheets left unread), or by the csv module from
   lines of bounded length.

Rows keep the numbers the spreadsheet shows (the heading is row 1), empty rows are skipped,
and a merged range is read as its top-left value in every cell it covers: an officer who
merges "H175" over ten rows means those ten people are of H175.

Limits are module constants; an importer passes its own `Limits` where it reads less (a
course run's results are at most 2,000 rows). Settings may lower or raise the defaults
(SPREADSHEET_LIMITS = {"max_columns": 100, ...}).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import get_column_letter

from core import workbook_checks as checks
from core import workbook_parts
from core.workbook_checks import number

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_ROWS = 20_000  # rows of data, the heading and empty rows not counted
MAX_COLUMNS = 200
CELLS_PER_ROW = 32
# A workbook is a zip: a few MB can unpack to gigabytes of XML (a "zip bomb").
MAX_UNPACKED_BYTES = 400 * MB
MAX_PART_BYTES = 100 * MB  # one XML part: a 20,000-row sheet of text is about 26 MB
MAX_RATIO = 100  # sheet XML compresses about 9 to 1; Apache POI refuses past 100 to 1 too
MAX_MEMBERS = 1000  # a workbook has about ten parts, more with many sheets or pictures
# The parts openpyxl parses whole (content types, workbook, relationships, styles, document
# properties) or reads whole (the theme): real ones are a few KB, a styles part rarely
# passes 1 MB, a sheet's relationships with 20,000 hyperlinks are about 3 MB.
MAX_PARSED_PART_BYTES = 4 * MB
# openpyxl makes an object of each element of those parts, at 20 to 70 µs (measured): 50,000
# take at most about 3.5 s. A styles part as openpyxl writes it holds about 30,000 a MB.
MAX_PARSED_ELEMENTS = 50_000
# Formats of the styles (cell and number formats, fonts, fills, borders, conditional
# formats, named styles) together: a few hundred cell formats make about 1,000 with their
# fonts, fills and borders, a 1 MB styles part about 10,000. Excel allows 64,000 cell
# formats, which openpyxl takes 10 s to read.
MAX_STYLES = 20_000
# openpyxl holds every shared text in memory, a single long one twice while it joins it:
# 640,000 different texts of 20 characters (the most cells a 20,000-row import reads) are
# 23 MB of shared strings.
MAX_STRINGS_BYTES = 32 * MB
MAX_MERGES = 10_000
MAX_MERGED_CELLS = 200_000
MAX_LINE_CHARS = 100_000  # one line of a CSV file
# One cell of a CSV file or of a workbook: the most a cell of Excel holds (a workbook's
# texts are measured in bytes, see core.workbook_checks.BYTES_PER_CHAR).
MAX_FIELD_CHARS = 32_767

Progress = Callable[[int, int], None]
WORKBOOK_NAMES = (".xlsx", ".xlsm")
TEXT_NAMES = (".csv", ".txt")


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """How much of a file is read. `last_row` and `max_cells` follow from `max_rows` unless
    given: room for as many empty rows as rows of data (blank lines between blocks, rows
    formatted below the data), and 32 cells a row of data (the widest import has 24).
    openpyxl parses about 40,000 cells a second: the cell limit bounds a read to seconds."""

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    last_row: int = 0
    max_cells: int = 0
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_part_bytes: int = MAX_PART_BYTES
    max_ratio: int = MAX_RATIO
    max_members: int = MAX_MEMBERS
    max_parsed_part_bytes: int = MAX_PARSED_PART_BYTES
    max_parsed_elements: int = MAX_PARSED_ELEMENTS
    max_styles: int = MAX_STYLES
    max_strings_bytes: int = MAX_STRINGS_BYTES
    max_merges: int = MAX_MERGES
    max_merged_cells: int = MAX_MERGED_CELLS
    max_line_chars: int = MAX_LINE_CHARS
    max_field_chars: int = MAX_FIELD_CHARS

    def __post_init__(self) -> None:
        if not self.last_row:
            object.__setattr__(self, "last_row", 2 * self.max_rows + 1)
        if not self.max_cells:
            object.__setattr__(self, "max_cells", CELLS_PER_ROW * (self.max_rows + 1))

    @classmethod
    def configured(cls, **given: int) -> Limits:
        """The limits `given` by an importer, over the settings' SPREADSHEET_LIMITS, over the
        defaults above."""
        known = {f.name for f in fields(cls)}
        configured = getattr(settings, "SPREADSHEET_LIMITS", {}) or {}
        return cls(**{k: v for k, v in {**configured, **given}.items() if k in known})


@dataclass
class Table:
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    notices: list[str] = field(default_factory=list)


def too_large(size: int, limits: Limits) -> str:
    return _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.") % {
        "size": f"{size / MB:.1f}",
        "limit": f"{limits.max_bytes / MB:.1f}",
    }


def read_table(
    source: Path | IO[bytes],
    name: str,
    limits: Limits | None = None,
    *,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> Table:
    """The heading and the non-empty rows of the .xlsx or .csv file `source` (a path, or a
    seekable binary stream such as an upload), uploaded as `name`.

    `sheet`: the workbook's sheet to read when it has one of that name (else the first).
    Raises FileRefused, its message naming the limit passed or what the file is instead.
    """
    limits = limits or Limits.configured()
    if isinstance(source, Path):
        with source.open("rb") as stream:
            return read_stream(stream, name, limits, sheet, progress)
    return read_stream(source, name, limits, sheet, progress)


def read_stream(
    stream: IO[bytes], name: str, limits: Limits, sheet: str | None, progress: Progress | None
) -> Table:
    stream.seek(0, 2)
    size = stream.tell()
    if size > limits.max_bytes:
        raise FileRefused(too_large(size, limits))
    if size == 0:
        raise FileRefused(_("The file is empty."))
    stream.seek(0)
    start = stream.read(8)
    stream.seek(0)
    lowered = name.lower()
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        # Excel's encrypted .xlsx is such a file too (an OLE container around the zip).
        raise FileRefused(
            _(
                "This is an old Excel .xls file or a workbook with a password; save it as "
                ".xlsx without a password and upload that."
            )
        )
    if lowered.endswith(WORKBOOK_NAMES):
        if not start.startswith(b"PK\x03\x04"):
            raise FileRefused(not_a_workbook(start))
        table = read_workbook(stream, limits, sheet, progress)
    elif lowered.endswith(TEXT_NAMES):
        if start.startswith((b"PK\x03\x04", b"%PDF")):
            raise FileRefused(
                _(
                    "This file is named .csv but is not a text file: it is a workbook or another "
                    "document. Upload an .xlsx workbook under an .xlsx name, or a .csv file."
                )
            )
        table = read_text(stream, size, limits, progress)
    else:
        raise FileRefused(_("Upload an .xlsx or .csv file."))
    if not table.header:
        raise FileRefused(_("The file has no heading row and no rows."))
    return table


def not_a_workbook(start: bytes) -> str:
    if start.startswith(b"%PDF"):
        return _("This is a PDF document, not an Excel workbook; upload an .xlsx or .csv file.")
    if start.startswith(b"PK"):
        return checks.damaged()
    return _(
        "This file is named .xlsx but is not an Excel workbook (a workbook is a zip archive); "
        "save it from the spreadsheet program as .xlsx and upload that."
    )


# --- .xlsx --------------------------------------------------------------------------------


def read_workbook(
    stream: IO[bytes], limits: Limits, preferred: str | None, progress: Progress | None
) -> Table:
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        # openpyxl parses with the standard library's XML parser unless defusedxml is there.
        raise ImproperlyConfigured("Reading workbooks needs defusedxml (see requirements.txt).")
    try:
        checks.check_directory(stream, limits)
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise checks.Refusal(checks.damaged()) from error
        with archive:
            checks.check_members(archive, limits)
            parts = workbook_parts.find_parts(archive, limits)
            workbook_parts.check_parsed_parts(archive, parts, limits)
            names = [sheet_name for sheet_name, _member in parts.sheets]
            chosen = preferred if preferred in names else names[0]
            member = dict(parts.sheets)[chosen]
            scan = checks.scan_sheet(archive, member, chosen, limits)
            spent = checks.SheetScan(chosen, rows=scan.rows, cells=scan.cells)
            for other_name, other in parts.sheets:
                if other != member:
                    counted = checks.scan_other_sheet(archive, other, other_name, limits, spent)
                    spent.rows += counted.rows
                    spent.cells += counted.cells
            if parts.shared_strings:
                workbook_parts.scan_shared_strings(archive, parts.shared_strings, limits)
    except checks.Refusal as refusal:
        raise FileRefused(str(refusal)) from refusal
    stream.seek(0)
    try:
        # read_only streams the sheet row by row; data_only gives what the cells show (a
        # formula's last computed value), which is what the officer sees and means.
        reader = Reader(stream, read_only=True, data_only=True, keep_links=False)
        reader.read()
        book = reader.wb
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileRefused(checks.damaged()) from error
    try:
        worksheet = book[chosen]
        # Read only the sheet the checks above streamed through.
        if getattr(worksheet, "_worksheet_path", "").lstrip("/") != member:
            raise FileRefused(checks.damaged())
        # The declared size may be wrong (some programs write none, or a stale one), and
        # openpyxl would pad every row to it: read to the real end, as wide as the limit.
        worksheet.reset_dimensions()
        rows = workbook_rows(worksheet, scan.merges, limits, chosen)
        return collect(rows, scan.last_row, limits, progress, merges_notice(scan.merges))
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError) as error:
        raise FileRefused(checks.damaged()) from error
    finally:
        book.close()


class Reader(ExcelReader):
    """openpyxl's reader of a workbook (what openpyxl.load_workbook runs), chart sheets left
    unread.

    A chart sheet holds a chart, nothing to import, and openpyxl would parse its drawing and
    charts whole and read its pictures into memory, again for every reference its drawing
    makes to them: bounding that would mean following each drawing as openpyxl does.
    """

    def read_chartsheet(self, sheet: Any, rel: Any) -> None:
        return None


def workbook_rows(
    worksheet: Any, merges: list[tuple[int, int, int, int]], limits: Limits, name: str
) -> Iterator[list[Any]]:
    """The sheet's rows from row 1 as lists, merged ranges filled from their top-left cell.

    Missing rows come as empty ones, so the numbering stays the one the sheet shows. One
    column more than the limit is read, to tell a value there from the end of the data.
    """
    by_row: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges:
        for row in range(merge[1], merge[3] + 1):
            by_row.setdefault(row, []).append(merge)
    top_left: dict[tuple[int, int], Any] = {}
    width = limits.max_columns
    rows = worksheet.iter_rows(max_col=width + 1, max_row=limits.last_row + 1, values_only=True)
    for row_number, row in enumerate(rows, start=1):
        if row_number > limits.last_row:
            if row.count(None) != len(row):
                raise FileRefused(checks.too_many_rows(name, limits))
            break
        if len(row) > width and row[width] is not None:
            raise FileRefused(
                _(
                    "Row %(row)s has a value in column %(column)s; "
                    "at most %(limit)s columns are read."
                )
                % {
                    "row": number(row_number),
                    "column": get_column_letter(width + 1),
                    "limit": number(width),
                }
            )
        values = list(row[: filled_width(row, width)])
        if row_number in by_row:
            values = fill(values, by_row[row_number], row_number, top_left)
        yield values


def filled_width(row: tuple[Any, ...], width: int) -> int:
    """The width of `row` without its trailing None cells (openpyxl pads every row to the
    width asked for). Bisected with comparisons made in C: "None from here on" holds from
    some column to the end, so a row of 200 columns costs 8 slices, not 200 Python steps."""
    low, high = 0, min(len(row), width)
    while low < high:
        middle = (low + high) // 2
        if row[middle:high].count(None) == high - middle:
            high = middle
        else:
            low = middle + 1
    return high


def fill(
    values: list[Any],
    merges: list[tuple[int, int, int, int]],
    row_number: int,
    top_left: dict[tuple[int, int], Any],
) -> list[Any]:
    for c1, r1, c2, _r2 in merges:
        if row_number == r1:
            top_left[(r1, c1)] = values[c1 - 1] if c1 - 1 < len(values) else None
        value = top_left.get((r1, c1))
        if len(values) < c2:
            values = values + [None] * (c2 - len(values))
        for column in range(c1, c2 + 1):
            values[column - 1] = value
    return values


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


# --- .csv ---------------------------------------------------------------------------------


def read_text(stream: IO[bytes], size: int, limits: Limits, progress: Progress | None) -> Table:
    """A CSV file, decoded and split as it is read: one line, one row at a time in memory."""
    start = stream.read(4)
    stream.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8-sig"
    # An estimate for the progress bar, counted in C: a quoted cell may hold line breaks.
    lines = 0
    while chunk := stream.read(checks.CHUNK):
        lines += chunk.count(b"\n")
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        return collect(text_rows(text, limits), lines + 1, limits, progress, [])
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("The file is not UTF-8 text; in Excel, save it as “CSV UTF-8”.")
        ) from error
    finally:
        text.detach()  # the stream is the caller's to close


def text_rows(text: io.TextIOWrapper, limits: Limits) -> Iterator[list[Any]]:
    lines = bounded_lines(text, limits)
    first = next(lines, "")
    # Excel writes ";" where the decimal separator is a comma, "\t" for "Unicode text".
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    try:
        # Numbered as a spreadsheet program numbers them: a quoted cell may span lines.
        for row_number, row in enumerate(reader, start=1):
            if any(len(cell) > limits.max_field_chars for cell in row):
                raise FileRefused(too_long_cell(row_number, limits))
            if len(row) > limits.max_columns:
                raise FileRefused(
                    _("Row %(row)s has %(count)s columns; at most %(limit)s columns are read.")
                    % {
                        "row": number(row_number),
                        "count": number(len(row)),
                        "limit": number(limits.max_columns),
                    }
                )
            # Empty lines cost little each, but a file may hold millions of them.
            if reader.line_num > limits.last_row:
                raise FileRefused(
                    _("The file goes down to line %(line)s; at most %(limit)s lines are read.")
                    % {"line": number(reader.line_num), "limit": number(limits.last_row)}
                )
            yield row
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            # The csv module's own limit (131,072 characters unless changed) came first.
            raise FileRefused(too_long_cell(reader.line_num, limits)) from error
        raise FileRefused(
            _(
                "Row %(row)d: the file ends inside a quoted cell or a quote is misplaced; "
                "the file may be cut short."
            )
            % {"row": reader.line_num}
        ) from error


def bounded_lines(text: io.TextIOWrapper, limits: Limits) -> Iterator[str]:
    """The file's lines, each read no further than the limit: a 20 MB line is refused after
    its first 100,000 characters, not held whole."""
    for line_number in itertools.count(1):
        line = text.readline(limits.max_line_chars + 1)
        if not line:
            return
        if len(line) > limits.max_line_chars:
            raise FileRefused(
                _("Line %(line)s is longer than %(limit)s characters; at most %(limit)s are read.")
                % {"line": number(line_number), "limit": number(limits.max_line_chars)}
            )
        if "\x00" in line:
            raise FileRefused(_("This is not a text file; upload an .xlsx or .csv file."))
        yield line


def too_long_cell(row: int, limits: Limits) -> str:
    return _(
        "Row %(row)s has a cell longer than %(limit)s characters; at most %(limit)s are read."
    ) % {
        "row": number(row),
        "limit": number(limits.max_field_chars),
    }


# --- both ---------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def collect(
    rows: Iterator[list[Any]],
    total: int,
    limits: Limits,
    progress: Progress | None,
    notices: list[str],
) -> Table:
    """The first non-empty row as heading, then every non-empty row with its number."""
    header: list[Any] = []
    body: list[tuple[int, list[Any]]] = []
    for row_number, values in enumerate(rows, start=1):
        if all(is_empty(value) for value in values):
            continue
        values = trim(values)
        if not header:
            header = values
            continue
        body.append((row_number, values))
        if len(body) > limits.max_rows:
            raise FileRefused(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": number(limits.max_rows)}
            )
        if progress and row_number % 500 == 0:
            progress(row_number, max(total, row_number))
    return Table(header=header, rows=body, notices=notices)


def trim(values: list[Any]) -> list[Any]:
    """Drop empty cells at the end of a row (spreadsheets pad rows to the widest one)."""
    end = len(values)
    while end and is_empty(values[end - 1]):
        end -= 1
    return list(values[:end])
