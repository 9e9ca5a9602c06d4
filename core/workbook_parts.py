"""The parts of an .xlsx upload besides its sheets: which hold what, and the limits of those
openpyxl parses whole, checked before anything parses them.

openpyxl makes a Python object of every XML element of some parts, however many there are:
the content types, the workbook part (its sheets, defined names, views), the relationships
of the workbook and of each sheet, the styles, the document properties; the theme it reads
into memory as bytes. At 20 to 70 µs an element (measured with openpyxl 3.1.5), a few MB of
such XML is seconds of work and tens of MB of memory, and a 90 MB theme is 200 MB: all of
them compress far below the 100 to 1 of a zip bomb, so the zip's limits
(core.workbook_checks) let them through. Here each such part is held to a size, all of them
together to a number of XML elements, the styles to a number of formats, each counted in C
over the part streamed as bytes, before find_parts parses any of them and before openpyxl
opens the workbook. The shared strings, which openpyxl streams but keeps in memory, are held
to a size, a number of texts and each text's length.

The parts openpyxl does not read when core.spreadsheets opens a workbook (read-only, without
external links, without chart sheets) are held to the zip's limits only: comments,
drawings, pictures, pivot caches, the calculation chain... Some are large in real workbooks
(a pivot cache of a 20,000-row roster is several MB), and none costs anything.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from defusedxml.ElementTree import ParseError, fromstring
from django.utils.translation import gettext as _

from core.workbook_checks import (
    Refusal,
    blocks,
    count,
    damaged,
    head,
    number,
    part_too_large,
    root_prefix,
    tag,
    text_scan,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from core.spreadsheets import Limits

# Content types of a workbook's main part, as openpyxl accepts them (.xlsx, .xlsm, templates).
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
OTHER_OFFICE_TYPES = {
    "wordprocessingml": "Word",
    "presentationml": "PowerPoint",
}
CONTENT_TYPES = "[Content_Types].xml"
# Parts openpyxl reads by these names, whatever the content types say (ARC_STYLE, ARC_THEME,
# ARC_CORE and ARC_CUSTOM in openpyxl.xml.constants).
STYLES = "xl/styles.xml"
THEME = "xl/theme/theme1.xml"  # read as bytes, not parsed
PROPERTIES = ("docProps/core.xml", "docProps/custom.xml")
# What openpyxl's stylesheet makes objects of, each with its children: cell formats (of
# cells and of named styles), fonts, fills, borders, number formats, conditional formats,
# named styles.
STYLE_TAGS = (b"xf", b"font", b"fill", b"border", b"numFmt", b"dxf", b"cellStyle")


@dataclass
class Parts:
    """The parts of a workbook the reader needs: its sheets in order, its shared strings;
    and the XML elements counted so far in the parts openpyxl parses whole."""

    sheets: list[tuple[str, str]] = field(default_factory=list)  # (name, zip member)
    shared_strings: str | None = None
    elements: int = 0


def find_parts(archive: zipfile.ZipFile, limits: Limits) -> Parts:
    """The workbook's sheets and shared strings, found as openpyxl finds them: the content
    types name the workbook part, whose relationships name the sheets' parts. Each part is
    checked (check_parsed) before it is parsed here, as openpyxl parses it later."""
    names = set(archive.namelist())
    if CONTENT_TYPES not in names:
        raise Refusal(not_a_workbook(archive, names))
    parts = Parts()
    types = parsed(archive, CONTENT_TYPES, limits, parts)
    overrides = {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in types
        if local(element.tag) == "Override"
    }
    workbook = next((part for part, kind in overrides.items() if kind in WORKBOOK_TYPES), None)
    if workbook is None:
        defaults = {e.get("ContentType", "") for e in types if local(e.tag) == "Default"}
        if not defaults & WORKBOOK_TYPES:
            for marker, program in OTHER_OFFICE_TYPES.items():
                if any(marker in kind for kind in overrides.values()):
                    raise Refusal(
                        _("This is a %(program)s document, not an Excel workbook.")
                        % {"program": program}
                    )
            raise Refusal(_("This zip archive holds no Excel workbook; upload an .xlsx file."))
        workbook = "xl/workbook.xml"  # some programs give the type as a default (openpyxl too)
    if workbook not in names:
        raise Refusal(damaged())
    targets = relationships(archive, workbook, names, limits, parts)
    members: set[str] = set()
    for element in parsed(archive, workbook, limits, parts):
        if local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if local(k) == "id"), "")
        if not rel_id:
            continue  # openpyxl skips such a sheet too
        kind, path = targets.get(rel_id, ("", ""))
        # openpyxl reads every sheet but a chart sheet as a worksheet, whatever its type
        # (a macro sheet, a dialog sheet, any other): each is checked as one. Chart sheets
        # core.spreadsheets does not let openpyxl read.
        if "chartsheet" in kind or path is None:
            continue
        # Two sheets on one part: openpyxl would read the part again for each.
        if path not in names or path in members:
            raise Refusal(damaged())
        members.add(path)
        parts.sheets.append((element.get("name", ""), path))
    if not parts.sheets:
        raise Refusal(_("The workbook has no sheet with cells."))
    shared = next((p for p, kind in overrides.items() if kind == SHARED_STRINGS_TYPE), None)
    parts.shared_strings = shared if shared in names else None
    return parts


def not_a_workbook(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names and b"opendocument" in head(archive, "mimetype"):
        return _("This is an OpenDocument file (.ods); save it as .xlsx and upload that.")
    return _("This zip archive holds no Excel workbook; upload an .xlsx file.")


def relationships(
    archive: zipfile.ZipFile, part: str, names: set[str], limits: Limits, parts: Parts
) -> dict[str, tuple[str, str | None]]:
    """The relationships of `part` by id: (type, the zip member they point to, or None for
    an external target), resolved as openpyxl resolves them."""
    rels = rels_name(part)
    if rels not in names:
        return {}
    folder = posixpath.dirname(part)
    found: dict[str, tuple[str, str | None]] = {}
    for rel in parsed(archive, rels, limits, parts):
        if local(rel.tag) != "Relationship":
            continue
        target = rel.get("Target", "")
        path: str | None = None
        if rel.get("TargetMode") != "External":
            joined = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            path = posixpath.normpath(joined)
        found[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return found


def rels_name(part: str) -> str:
    """Where the relationships of `part` are: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def parsed(archive: zipfile.ZipFile, name: str, limits: Limits, parts: Parts) -> list[Element]:
    """The elements of the part `name`, once checked, parsed with defusedxml (no document
    type, no entities)."""
    check_parsed(archive, name, limits, parts)
    try:
        with archive.open(name) as stream:
            content = stream.read(limits.max_parsed_part_bytes + 1)
        return list(fromstring(content, forbid_dtd=True).iter())
    except (ParseError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        # defusedxml's refusals (DTDForbidden, EntitiesForbidden) are ValueErrors too.
        raise Refusal(damaged()) from error


def local(tag: str) -> str:
    """A tag or attribute name without its namespace: "{…/main}sheet" → "sheet"."""
    return tag.rsplit("}", 1)[-1]


# --- the limits ---------------------------------------------------------------------------


def check_parsed_parts(archive: zipfile.ZipFile, parts: Parts, limits: Limits) -> None:
    """Check the parts openpyxl reads whole that find_parts did not parse: the styles, the
    theme, the document properties, each sheet's relationships. And the shared strings'
    size: openpyxl streams them but holds every text in memory (a single long one twice,
    while it joins it); scan_shared_strings counts and measures them."""
    names = set(archive.namelist())
    if STYLES in names:
        check_parsed(archive, STYLES, limits, parts, styles=True)
    if THEME in names:
        check_size(archive, THEME, limits.max_parsed_part_bytes)
    sheet_rels = tuple(rels_name(member) for _sheet, member in parts.sheets)
    for name in PROPERTIES + sheet_rels:
        if name in names:
            check_parsed(archive, name, limits, parts)
    if parts.shared_strings:
        check_size(archive, parts.shared_strings, limits.max_strings_bytes)


def check_size(archive: zipfile.ZipFile, name: str, limit: int) -> None:
    """The size the zip's directory gives, which zipfile never inflates a member past."""
    size = archive.getinfo(name).file_size
    if size > limit:
        raise Refusal(part_too_large(name, size, limit))


def scan_shared_strings(archive: zipfile.ZipFile, member: str, limits: Limits) -> None:
    """Refuse more shared texts than the cells that could show them, or one longer than a
    cell holds: openpyxl keeps every one in memory while the workbook is open."""
    prefix: bytes | None = None
    texts = 0
    for block in blocks(archive, member):
        if prefix is None:
            prefix = root_prefix(block)
            opening = tag(prefix, b"si")
            lengths = text_scan(limits, opening)
        texts += count(block, opening)
        if lengths.find(block) is not None:
            raise Refusal(
                _(
                    "The workbook's shared texts (%(part)s) hold a text longer than %(limit)s "
                    "characters; at most %(limit)s characters a cell are read."
                )
                % {"part": member, "limit": number(limits.max_field_chars)}
            )
        if texts > limits.max_cells:
            raise Refusal(
                _(
                    "The workbook holds more than %(limit)s different texts; "
                    "at most %(limit)s are read."
                )
                % {"limit": number(limits.max_cells)}
            )


def check_parsed(
    archive: zipfile.ZipFile, name: str, limits: Limits, parts: Parts, *, styles: bool = False
) -> None:
    """Hold a part openpyxl parses whole to its size, and its XML elements, with those of the
    parts checked before it, to their number; the styles' formats to theirs."""
    check_size(archive, name, limits.max_parsed_part_bytes)
    prefix: bytes | None = None
    formats = 0
    for block in blocks(archive, name):
        if styles:
            if prefix is None:
                prefix = root_prefix(block)
            formats += sum(count(block, tag(prefix, kind)) for kind in STYLE_TAGS)
            if formats > limits.max_styles:
                raise Refusal(
                    _(
                        "The workbook's styles (%(part)s) define more than %(limit)s formats "
                        "(cell and number formats, fonts, fills, borders, conditional formats, "
                        "named styles); at most %(limit)s are read. Paste the data as values "
                        "into a new workbook and upload that."
                    )
                    % {"part": name, "limit": number(limits.max_styles)}
                )
        parts.elements += start_tags(block)
        if parts.elements > limits.max_parsed_elements:
            raise Refusal(
                _(
                    "The parts of the workbook besides its sheets (styles, names, "
                    "relationships…) hold more than %(limit)s XML elements, %(part)s "
                    "reaching the limit; at most %(limit)s are read. Paste the data as "
                    "values into a new workbook and upload that."
                )
                % {"part": name, "limit": number(limits.max_parsed_elements)}
            )


def start_tags(block: bytes) -> int:
    """The elements that start in `block`: each "<" but those of end tags, declarations and
    comments. A "<" in a CDATA section counts too, which only overcounts."""
    return block.count(b"<") - block.count(b"</") - block.count(b"<?") - block.count(b"<!")
