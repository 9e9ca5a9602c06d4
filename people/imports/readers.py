"""Reading an uploaded people file (.xlsx or .csv): core.spreadsheets with the people import's
limits and its data sheet.

Rows keep the numbers the spreadsheet shows (the heading is row 1), empty rows are skipped,
and a merged range is read as its top-left value in every cell it covers. Every limit (size,
rows, columns, how far a workbook may unpack, merged ranges, the length of a CSV line) is
checked before the work it would make; see core.spreadsheets.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from core import spreadsheets
from core.spreadsheets import FileRefused, Progress, Table, is_empty

MAX_BYTES = spreadsheets.MAX_BYTES
MAX_ROWS = spreadsheets.MAX_ROWS
MAX_UNZIPPED_BYTES = spreadsheets.MAX_UNPACKED_BYTES
DATA_SHEET = "People"

# The names the import has always used for what core.spreadsheets now defines.
FileError = FileRefused
Sheet = Table
__all__ = ["DATA_SHEET", "FileError", "Sheet", "is_empty", "read_file"]


def limits() -> spreadsheets.Limits:
    # Read when a file is read, so that the constants above can be changed (tests do).
    return spreadsheets.Limits.configured(
        max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_unpacked_bytes=MAX_UNZIPPED_BYTES
    )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def too_large(size: int) -> str:
    return spreadsheets.too_large(size, limits())


def read_file(path: Path, name: str, progress: Progress | None = None) -> Sheet:
    """The heading and non-empty rows of the .xlsx or .csv at `path` (uploaded as `name`)."""
    return spreadsheets.read_table(path, name, limits(), sheet=DATA_SHEET, progress=progress)


def column_letter(index: int) -> str:
    """The spreadsheet's name for the 0-based column `index`: 0 → A, 27 → AB."""
    return get_column_letter(index + 1)
