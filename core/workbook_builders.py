"""Workbooks built byte by byte: an openpyxl workbook with parts rewritten, or a zip written
field by field (sizes and checksums as an attacker writes them). Used by the hostile corpus
(core.hostile_files) and the reader's tests; nothing of the application's runs on them.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
THEME = "xl/theme/theme1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 1024 * 1024


def workbook(rows: list[list[object]] | None = None) -> bytes:
    """A plain workbook as openpyxl writes it: sheet "People", a heading and one row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "People"
    for row in rows or [["service_number", "full_name"], ["QD0001", "Nguyễn Văn An"]]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(content: bytes, changes: dict[str, Callable[[bytes], bytes] | bytes | None]) -> bytes:
    """The zip `content` with members changed (a function of the old bytes), replaced or added
    (bytes), or removed (None)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            change = changes.get(name, lambda same: same)
            if change is None:
                continue
            target.writestr(name, change(source.read(name)) if callable(change) else change)
        for name, change in changes.items():
            if name not in source.namelist() and isinstance(change, bytes):
                target.writestr(name, change)
    return out.getvalue()


def sheet_xml(body: str, dimension: str | None = None) -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def unzipped(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(entries: list[tuple[str, int, int, bytes, int]]) -> bytes:
    """A zip written field by field: (name, method (0 stored, 8 deflated), CRC-32, the bytes
    as stored, unpacked size) for each member."""
    out = io.BytesIO()
    directory = b""
    for name, method, checksum, data, size in entries:
        encoded = name.encode()
        offset = out.tell()
        sizes = (checksum, len(data), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, *sizes, 0))
        out.write(encoded + data)
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, *sizes, 0, 0, 0, 0, 0, offset
        )
        directory += encoded
    start = out.tell()
    out.write(directory)
    count = len(entries)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()
