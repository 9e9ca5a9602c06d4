"""What an .xlsx upload is checked for before openpyxl opens it: the zip and the sheets' XML.

A workbook is a zip of XML files, and each of its parts can make a small upload into a huge
amount of work: a zip member that inflates a thousandfold ("zip bomb"), a sheet that
declares 16,384 columns (openpyxl pads every row it reads to the declared width), one merged
range over a whole sheet (filled cell by cell), an XML document type that defines entities
expanding into gigabytes ("billion laughs"), or a directory of a million members (read into
memory before any is opened), or a single cell's text of 90 MB. So the checks here read
only the zip's directory and stream the XML of the sheets as bytes, counting tags and
measuring texts in C (bytes.count, rfind, a regular expression) and looking closer only at
the few elements that matter (<dimension>, <mergeCell>, a row's last cell). Nothing is
expanded; each check stops at the first limit passed. The other parts (content types,
workbook, relationships, styles, shared strings...) are found and checked by
core.workbook_parts, with the streaming helpers here.

The checks name the limit in their refusal (core.spreadsheets.FileRefused), so the officer
knows what to change. Used by core.spreadsheets and core.workbook_parts only.
"""

from __future__ import annotations

import codecs
import functools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

if TYPE_CHECKING:
    from core.spreadsheets import Limits

CHUNK = 1 << 20
# The XML declaration and the root element open every part within its first bytes; a part
# whose root is not found this early is no part a spreadsheet program wrote.
HEAD = 64 * 1024
# A tag cut by a chunk boundary is carried over to the next chunk; no tag of interest is
# longer than this (a longer unclosed one is not carried, so it cannot grow without end).
CARRY = 4096
# Below this a part is too small to harm, whatever its compression ratio.
RATIO_FLOOR = 1024 * 1024
# What may follow a tag's name: counting "<c" + each of these counts <c> elements only
# (not <col>, <cfRule>, ...).
AFTER_NAME = (b" ", b">", b"/", b"\t", b"\n", b"\r")
XML_SUFFIXES = (".xml", ".rels", ".vml")
# Excel holds at most 32,767 characters in a cell (Limits.max_field_chars); the scans count
# bytes, cheaper than characters. UTF-8 takes at most 4 bytes a character, so a text is
# refused past 4 bytes a character allowed: no text Excel writes gets there (but one made
# mostly of "&", "<" or ">", which it writes as 4 or 5 bytes each). A longer text under
# that (up to 128 KB) is read, which costs nothing; the ones refused are what cost seconds
# and hundreds of MB (openpyxl holds a 90 MB text twice).
BYTES_PER_CHAR = 4

ROOT = re.compile(r"<(?:([A-Za-z_][\w.-]*):)?[A-Za-z_]")
# XML allows either quote around an attribute's value.
DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
ROW_NUMBER = re.compile(rb"\sr=[\"'](\d+)[\"']")
CELL_REF = re.compile(rb"\sr=[\"']([A-Za-z]{1,3})(\d+)[\"']")
MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref=[\"']([^\"']*)[\"']")


class Refusal(ValueError):
    """A check failed; core.spreadsheets raises it as its FileRefused with the same text."""


def damaged() -> str:
    return _("The workbook is damaged or incomplete; save it again and upload it.")


def number(value: int) -> str:
    return f"{value:,}"


def size_text(size: int) -> str:
    """A size as people read it: 1,000 bytes, 64 KB, 400 MB, 1.5 MB."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), "MB"
    elif size >= 1024:
        value, unit = size / 1024, "KB"
    else:
        return ngettext("%(count)s byte", "%(count)s bytes", size) % {"count": number(size)}
    return f"{value:,.1f}".removesuffix(".0") + " " + unit


# --- the zip ------------------------------------------------------------------------------


def check_directory(stream: IO[bytes], limits: Limits) -> None:
    """Refuse a zip with too many members before zipfile reads its directory into memory.

    The count is in the zip's end record (the last 22 bytes, after a comment of at most
    64 KB), or in the zip64 end record it points to.
    """
    stream.seek(0, 2)
    size = stream.tell()
    start = max(0, size - 22 - 65535)
    stream.seek(start)
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise Refusal(damaged())
    members = int.from_bytes(tail[at + 10 : at + 12], "little")
    locator = at - 20
    if members == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        stream.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
        record = stream.read(56)
        if record[:4] == b"PK\x06\x06":
            members = int.from_bytes(record[32:40], "little")
    stream.seek(0)
    if members > limits.max_members:
        raise Refusal(
            _("The workbook holds %(count)s parts; at most %(limit)s are read.")
            % {"count": number(members), "limit": number(limits.max_members)}
        )


def check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Sizes as the zip's directory gives them; zipfile never inflates a member past its
    given size (it stops there and the checksum fails), so these bound every later read."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise Refusal(
            _("The workbook holds %(count)s parts; at most %(limit)s are read.")
            % {"count": number(len(members)), "limit": number(limits.max_members)}
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise Refusal(
            _(
                "The workbook unpacks to %(size)s, too much: at most %(limit)s are read. "
                "Split it into smaller files."
            )
            % {"size": size_text(total), "limit": size_text(limits.max_unpacked_bytes)}
        )
    for member in members:
        is_xml = member.filename.lower().endswith(XML_SUFFIXES)
        limit = limits.max_part_bytes if is_xml else limits.max_unpacked_bytes
        if member.file_size > limit:
            raise Refusal(part_too_large(member.filename, member.file_size, limit))
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise Refusal(
                _(
                    "A part of the workbook (%(part)s) unpacks to %(ratio)s times its compressed "
                    "size; a part unpacking to more than %(limit)s times its compressed size is "
                    "refused (a “zip bomb” unpacks a small file into a huge one)."
                )
                % {
                    "part": member.filename,
                    "ratio": number(round(ratio)),
                    "limit": number(limits.max_ratio),
                }
            )
        if member.flag_bits & 0x1:
            raise Refusal(_("The workbook is encrypted; save it without a password and upload it."))
        if is_xml:
            check_prolog(archive, member.filename)


def part_too_large(part: str, size: int, limit: int) -> str:
    return _(
        "A part of the workbook (%(part)s) unpacks to %(size)s; at most %(limit)s are read."
    ) % {
        "part": part,
        "size": size_text(size),
        "limit": size_text(limit),
    }


def head(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(HEAD)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
        raise Refusal(damaged()) from e


def check_prolog(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a part that declares a document type: only there can XML define entities (the
    "billion laughs" expand a few hundred bytes into gigabytes). Spreadsheet programs never
    write one; openpyxl would refuse the entities too (it parses with defusedxml), this
    refuses them before any parser runs."""
    start = head(archive, name)
    text = decoded(start)
    root = ROOT.search(text)
    prolog = text if root is None else text[: root.start()]
    if "<!DOCTYPE" in prolog or "<!ENTITY" in prolog:
        raise Refusal(
            _(
                "A part of the workbook (%(part)s) declares an XML document type (DOCTYPE), "
                "which spreadsheet programs never write; the file is refused."
            )
            % {"part": name}
        )
    if root is None and (text.strip() or len(start) == HEAD):
        raise Refusal(damaged())  # no element in the first 64 KB: padding, or no XML


def decoded(start: bytes) -> str:
    """The first bytes of an XML part as text: OOXML parts are UTF-8 or UTF-16."""
    if start.startswith((b"\xff\xfe", b"<\x00")):
        return start.decode("utf-16-le", "replace")
    if start.startswith((b"\xfe\xff", b"\x00<")):
        return start.decode("utf-16-be", "replace")
    return start.decode("utf-8", "replace")


# --- streaming a part ---------------------------------------------------------------------


def blocks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part's bytes in blocks of about a megabyte, each cut before a tag the next block
    completes, so that no tag is split between two blocks. A UTF-16 part comes as UTF-8:
    counted as bytes, its tags would be none, and openpyxl reads it all the same."""
    carry = b""
    decoder: codecs.IncrementalDecoder | None = None
    first = True
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                if first:
                    decoder, first = utf16_decoder(chunk), False
                if decoder is not None:
                    chunk = decoder.decode(chunk).encode()
                block = carry + chunk
                cut = block.rfind(b"<")
                if cut >= 0 and len(block) - cut <= CARRY and block.find(b">", cut) < 0:
                    block, carry = block[:cut], block[cut:]
                else:
                    carry = b""
                yield block
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise Refusal(damaged()) from error
    if carry:
        yield carry


def utf16_decoder(start: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for a part that starts as UTF-16 does (see decoded), else None."""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # the byte order mark tells which
    elif start.startswith(b"<\x00"):
        encoding = "utf-16-le"
    elif start.startswith(b"\x00<"):
        encoding = "utf-16-be"
    else:
        return None
    return codecs.getincrementaldecoder(encoding)("replace")


def tag(prefix: bytes, name: bytes) -> bytes:
    return b"<" + prefix + name


def count(block: bytes, opening: bytes) -> int:
    return sum(block.count(opening + after) for after in AFTER_NAME)


def last(block: bytes, opening: bytes, start: int = 0, end: int | None = None) -> int:
    end = len(block) if end is None else end
    return max(block.rfind(opening + after, start, end) for after in AFTER_NAME)


def root_prefix(block: bytes) -> bytes:
    """The namespace prefix the part's elements carry ("x:" in <x:worksheet>), usually none."""
    match = ROOT.search(decoded(block[:HEAD]))
    return (match.group(1) + ":").encode("ascii", "replace") if match and match.group(1) else b""


@functools.cache
def long_text(limit: int) -> re.Pattern[bytes]:
    """A text longer than `limit` bytes: from a tag's end to the next "<" (a ">" may stand in
    text). Searched in C, it looks at each text once and stops at its first "<"."""
    return re.compile(rb">[^<]{%d}" % (limit + 1))


@dataclass
class TextScan:
    """Finds, in a part streamed block by block, a text longer than `limit` bytes: one text
    (a value, a formula, a run of an inline or shared text, any other), or one item of runs
    (<si> in the shared strings, <is> in a sheet) together, as openpyxl joins them.

    Each block is searched as a whole; what a text or item left open at a block's end
    counts on into the next block.
    """

    limit: int
    opening: bytes  # the item's opening tag, as tag() gives it: b"<si"
    # An item is measured as XML, its runs' tags and formats with it (<r><rPr>…</rPr><t>, a
    # hundred bytes or more a run of rich text): twice the text's limit leaves them room.
    item_limit: int = 0
    text: int | None = None  # bytes of the text still open at the end of the last block
    item: int | None = None  # bytes of the item still open at the end of the last block

    def __post_init__(self) -> None:
        self.item_limit = self.item_limit or 2 * self.limit

    def find(self, block: bytes) -> int | None:
        """Where in `block` a text or an item passes the limit (0 for one begun in blocks
        before), or None."""
        at = self.find_text(block)
        return at if at is not None else self.find_item(block)

    def find_text(self, block: bytes) -> int | None:
        first = block.find(b"<")
        if self.text is not None:
            self.text += len(block) if first < 0 else first
            if self.text > self.limit:
                return 0
        match = long_text(self.limit).search(block)
        if match:
            return match.start()
        last = block.rfind(b"<")
        if last >= 0 or self.text is None:
            end = block.find(b">", max(last, 0))
            self.text = None if end < 0 else len(block) - end - 1
        return None

    def find_item(self, block: bytes) -> int | None:
        if self.item is None and self.opening not in block:
            return None  # most blocks of a sheet: no inline text
        closing = b"</" + self.opening[1:] + b">"
        pieces = block.split(closing)
        if self.item is not None:
            self.item += len(pieces[0])
            if self.item > self.item_limit:
                return 0
        # Only a piece longer than the limit can hold an item that is; the lengths are
        # compared in C, the pieces looked into only then.
        if len(pieces) > 1 and max(map(len, pieces[:-1])) > self.item_limit:
            offset = 0
            for piece in pieces[:-1]:
                start = piece.rfind(self.opening)
                if start >= 0 and len(piece) - start > self.item_limit:
                    return offset + start
                offset += len(piece) + len(closing)
        if len(pieces) > 1 or self.item is None:
            tail = pieces[-1]
            start = tail.rfind(self.opening)
            self.item = None if start < 0 else len(tail) - start
            if self.item is not None and self.item > self.item_limit:
                return len(block) - len(tail) + start
        return None


# --- a sheet ------------------------------------------------------------------------------


@dataclass
class SheetScan:
    """What the sheet's XML says about its size, found without parsing it."""

    name: str
    last_row: int = 0
    rows: int = 0
    cells: int = 0
    declared: bool = False  # gives its size in a <dimension> before its cells
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def scan_sheet(archive: zipfile.ZipFile, member: str, name: str, limits: Limits) -> SheetScan:
    """Check the sheet to be read against every limit, streaming its XML once."""
    scan = SheetScan(name)
    prefix: bytes | None = None
    merges = merged_cells = 0
    dimension_done = False
    for block in blocks(archive, member):
        if prefix is None:
            prefix = root_prefix(block)
            row_tag, cell_tag = tag(prefix, b"row"), tag(prefix, b"c")
            row_end, merge_tag = b"</" + prefix + b"row>", tag(prefix, b"mergeCell")
            texts = text_scan(limits, tag(prefix, b"is"))
        if not dimension_done:
            check_dimension(block, scan, limits)
            # The dimension comes before the cells; none after them is one openpyxl reads.
            dimension_done = b"sheetData" in block or scan.last_row > 0
        scan.rows += count(block, row_tag)
        scan.cells += count(block, cell_tag)
        if scan.rows > limits.last_row:
            raise Refusal(too_many_rows(name, limits))
        if scan.cells > limits.max_cells:
            raise Refusal(
                _(
                    "The sheet “%(sheet)s” has more than %(limit)s cells; "
                    "at most %(limit)s are read."
                )
                % {"sheet": name, "limit": number(limits.max_cells)}
            )
        at = texts.find(block)
        if at is not None:
            # The row of the text: the last one begun before it, in this block or before.
            begun = last(block, row_tag, 0, at)
            end = block.find(b">", begun)
            match = ROW_NUMBER.search(block, begun, end) if 0 <= begun < end else None
            raise Refusal(long_cell(name, int(match.group(1)) if match else scan.last_row, limits))
        found = last(block, row_tag)
        if found >= 0:
            match = ROW_NUMBER.search(block, found, max(found, block.find(b">", found)))
            scan.last_row = max(scan.last_row, int(match.group(1)) if match else 0, scan.rows)
            if scan.last_row > limits.last_row:
                raise Refusal(beyond_last_row(name, scan.last_row, limits))
        check_row_ends(block, row_end, cell_tag, name, limits)
        if b"mergeCell" in block:
            merges += count(block, merge_tag)
            if merges > limits.max_merges:
                raise Refusal(
                    _(
                        "The sheet “%(sheet)s” has more than %(limit)s merged ranges; "
                        "at most %(limit)s are read."
                    )
                    % {"sheet": name, "limit": number(limits.max_merges)}
                )
            for ref in MERGE_REF.findall(block):
                merged_cells += check_merge(ref.decode("ascii", "replace"), scan, limits)
                if merged_cells > limits.max_merged_cells:
                    raise Refusal(
                        _(
                            "The merged ranges of sheet “%(sheet)s” cover more than %(limit)s "
                            "cells; at most %(limit)s merged cells are read."
                        )
                        % {"sheet": name, "limit": number(limits.max_merged_cells)}
                    )
    return scan


def scan_other_sheet(
    archive: zipfile.ZipFile, member: str, name: str, limits: Limits, spent: SheetScan
) -> SheetScan:
    """Count a sheet that is not read, as far as openpyxl reads it when it opens the workbook:
    to its declared size if it gives one before its cells (then nothing more), else to its
    end. Its rows and cells count against the limits with those of the sheets before it
    (`spent`), so that twenty sheets cannot do what one may not."""
    scan = SheetScan(name)
    prefix: bytes | None = None
    for block in blocks(archive, member):
        if prefix is None:
            prefix = root_prefix(block)
            row_tag, cell_tag = tag(prefix, b"row"), tag(prefix, b"c")
            texts = text_scan(limits, tag(prefix, b"is"))
        if not scan.rows:
            data = block.find(b"sheetData")
            if DIMENSION.search(block, 0, len(block) if data < 0 else data):
                scan.declared = True
                return scan
        scan.rows += count(block, row_tag)
        scan.cells += count(block, cell_tag)
        if spent.rows + scan.rows > limits.last_row or spent.cells + scan.cells > limits.max_cells:
            raise Refusal(
                _(
                    "The sheets of the workbook hold more than %(rows)s rows or %(cells)s cells "
                    "together; at most these are read. Delete the sheets not imported, or "
                    "copy the sheet to import into a new workbook."
                )
                % {"rows": number(limits.last_row), "cells": number(limits.max_cells)}
            )
        if texts.find(block) is not None:
            raise Refusal(long_cell(name, 0, limits))
    return scan


def text_scan(limits: Limits, opening: bytes) -> TextScan:
    return TextScan(limits.max_field_chars * BYTES_PER_CHAR, opening)


def long_cell(sheet: str, row: int, limits: Limits) -> str:
    values = {"sheet": sheet, "row": number(row), "limit": number(limits.max_field_chars)}
    if not row:  # a text before the first row, or in a sheet whose rows are not numbered
        return (
            _(
                "The sheet “%(sheet)s” holds a text longer than %(limit)s characters; "
                "at most %(limit)s characters a cell are read."
            )
            % values
        )
    return (
        _(
            "Row %(row)s of sheet “%(sheet)s” has a cell longer than %(limit)s characters; "
            "at most %(limit)s characters a cell are read."
        )
        % values
    )


def too_many_rows(sheet: str, limits: Limits) -> str:
    return _(
        "The sheet “%(sheet)s” has more than %(limit)s rows (empty ones included); at most "
        "%(limit)s are read. Delete the empty rows below the data, or split the file."
    ) % {"sheet": sheet, "limit": number(limits.last_row)}


def beyond_last_row(sheet: str, row: int, limits: Limits) -> str:
    return _(
        "The sheet “%(sheet)s” goes down to row %(row)s; at most %(limit)s rows are read. "
        "Delete the empty rows below the data, or split the file."
    ) % {"sheet": sheet, "row": number(row), "limit": number(limits.last_row)}


def check_dimension(block: bytes, scan: SheetScan, limits: Limits) -> None:
    """Refuse a sheet that declares more columns or rows than are read: openpyxl would pad
    every row to the declared width (a 5 KB file declaring A1:XFD20000 made 2.75 GB)."""
    at = block.find(b"dimension")
    match = DIMENSION.search(block, max(0, at - 64)) if at >= 0 else None
    if match is None:
        return
    scan.declared = True
    try:
        first_column, first_row, last_column, last_row = range_boundaries(
            match.group(1).decode("ascii").replace("$", "")
        )
    except (ValueError, TypeError, UnicodeDecodeError):
        return  # a form openpyxl cannot read either ("1:233"): it falls back to reading
    columns = last_column or first_column or 0
    rows = last_row or first_row or 0
    if columns > limits.max_columns:
        raise Refusal(
            _("The sheet “%(sheet)s” declares %(count)s columns; at most %(limit)s are read.")
            % {"sheet": scan.name, "count": number(columns), "limit": number(limits.max_columns)}
        )
    if rows > limits.last_row:
        raise Refusal(
            _("The sheet “%(sheet)s” declares %(count)s rows; at most %(limit)s are read.")
            % {"sheet": scan.name, "count": number(rows), "limit": number(limits.last_row)}
        )


def check_row_ends(
    block: bytes, row_end: bytes, cell_tag: bytes, sheet: str, limits: Limits
) -> None:
    """Refuse a row whose last cell lies past the last column read.

    A row's cells come in column order, so its last cell is its widest; the number of rows
    was checked first, so this loop is bounded by the row limit.
    """
    start = 0
    while (end := block.find(row_end, start)) >= 0:
        cell = last(block, cell_tag, start, end)
        closed = block.find(b">", cell, end) if cell >= 0 else -1
        if closed >= 0:
            match = CELL_REF.search(block, cell, closed)
            if match:
                column = column_index_from_string(match.group(1).decode("ascii").upper())
                if column > limits.max_columns:
                    raise Refusal(
                        _(
                            "Row %(row)s of sheet “%(sheet)s” has a cell in column %(column)s; "
                            "at most %(limit)s columns are read (A to %(last)s)."
                        )
                        % {
                            "row": number(int(match.group(2))),
                            "sheet": sheet,
                            "column": match.group(1).decode("ascii").upper(),
                            "limit": number(limits.max_columns),
                            "last": get_column_letter(limits.max_columns),
                        }
                    )
        start = end + len(row_end)


def check_merge(ref: str, scan: SheetScan, limits: Limits) -> int:
    """The number of cells the merged range `ref` covers, once checked against the limits;
    0 for a reference openpyxl could not read either (it is then not filled)."""
    try:
        bounds = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return 0
    if None in bounds:
        return 0
    first_column, first_row, last_column, last_row = bounds  # type: ignore[misc]
    area = (last_column - first_column + 1) * (last_row - first_row + 1)
    values = {"range": ref, "sheet": scan.name}
    if area > limits.max_merged_cells:
        raise Refusal(
            _(
                "The merged range %(range)s of sheet “%(sheet)s” covers %(count)s cells; "
                "at most %(limit)s merged cells are read."
            )
            % {**values, "count": number(area), "limit": number(limits.max_merged_cells)}
        )
    if last_column > limits.max_columns:
        raise Refusal(
            _(
                "The merged range %(range)s of sheet “%(sheet)s” reaches column %(column)s; "
                "at most %(limit)s columns are read."
            )
            % {
                **values,
                "column": get_column_letter(last_column),
                "limit": number(limits.max_columns),
            }
        )
    if last_row > limits.last_row:
        raise Refusal(beyond_last_row(scan.name, last_row, limits))
    scan.merges.append((first_column, first_row, last_column, last_row))
    return area
