"""Hostile spreadsheet files, built on demand for the tests and the benchmark (no binary
fixtures): each is a small upload made to cost a reader seconds and gigabytes, or a file
that is not what its name says. core.spreadsheets must refuse every one quickly, naming the
limit; `expected` is a pattern of that refusal, the same for every import's limits.

The workbooks start as one openpyxl writes (a "People" sheet with a heading and one row) and
have one part rewritten, as an attacker would edit the zip.
"""

from __future__ import annotations

import functools
import io
import random
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from core.workbook_builders import (
    MAIN,
    MB,
    SHEET,
    STRINGS,
    STYLES,
    THEME,
    WORKBOOK,
    inline,
    rewrite,
    sheet_xml,
    unzipped,
    workbook,
    zip_of,
)

HORIZONTAL = ("general", "left", "center", "right", "fill", "justify", "distributed")
VERTICAL = ("top", "center", "bottom", "justify", "distributed")


@dataclass(frozen=True)
class Hostile:
    key: str
    extension: str  # "xlsx" or "csv": the name it is uploaded under ends so
    build: Callable[[], bytes]
    expected: str  # a regular expression the refusal matches
    what: str


# --- the corpus ---------------------------------------------------------------------------


def dimension_bomb() -> bytes:
    """5 KB declaring A1:XFD20000: openpyxl pads each row read to 16,384 cells."""
    return rewrite(
        workbook(),
        {
            SHEET: lambda xml: re.sub(
                rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD20000"/>', xml
            )
        },
    )


def merged_bomb() -> bytes:
    """One merged range over 327,680,000 cells, each of which a filling reader would write."""
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="A2:XFD20001"/></mergeCells>'
    return rewrite(workbook(), {SHEET: lambda xml: xml.replace(b"</sheetData>", merge)})


@functools.cache
def zip_bomb(megabytes: int = 401) -> bytes:
    """About 400 KB whose sheet unpacks to 401 MB (spaces after the XML's root element, which
    XML allows): a real one, whose checksum holds."""
    return stuffed(workbook(), SHEET, unzipped(workbook())[SHEET], b" " * MB, megabytes)


def stuffed(
    content: bytes, part: str, prefix: bytes, block: bytes, copies: int, suffix: bytes = b""
) -> bytes:
    """The zip `content` with `part` made of `prefix`, `copies` times `block`, `suffix`, the
    others stored as they are. Compressed once: after a full flush the compressor starts
    afresh, so every copy of the block compresses to the same bytes."""
    members = {name: data for name, data in unzipped(content).items() if name != part}
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    compressed = head + piece * copies + compressor.compress(suffix) + compressor.flush()
    checksum = zlib.crc32(prefix)
    for _ in range(copies):
        checksum = zlib.crc32(block, checksum)
    checksum = zlib.crc32(suffix, checksum)
    entries = [(name, 0, zlib.crc32(data), data, len(data)) for name, data in members.items()]
    size = len(prefix) + copies * len(block) + len(suffix)
    entries.append((part, 8, checksum, compressed, size))
    return zip_of(entries)


def ratio_bomb() -> bytes:
    """A 2 MB sheet compressed about 1,000 to 1: small, but the shape of every zip bomb."""
    return rewrite(workbook(), {SHEET: lambda xml: xml + b" " * (2 * MB)})


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + f']>\n<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def with_strings(strings: bytes) -> bytes:
    """A workbook whose cell B2 shows the first of the shared strings `strings`."""
    override = (
        f'<Override PartName="/{STRINGS}" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ).encode()
    cell = b'<c r="B2" t="s"><v>0</v></c></row></sheetData>'
    return rewrite(
        workbook([["service_number", "full_name"], ["QD0001"]]),
        {
            "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", override),
            SHEET: lambda xml: xml.replace(b"</row></sheetData>", cell),
            STRINGS: strings,
        },
    )


def billion_laughs() -> bytes:
    """Shared strings whose one text, shown in cell B2, expands to a billion "lol"s (3 GB)
    through entities."""
    return with_strings(LAUGHS.encode())


# --- the parts openpyxl parses (or reads) whole -------------------------------------------
# Each is kept well under the 100 to 1 compression ratio of a zip bomb, with random
# values or a random letter every few dozen bytes: refused for what it holds, not for how
# well it compresses.


def sparse_block(seed: int = 2014, every: int = 48) -> bytes:
    """A megabyte of "a"s with a random letter every `every` bytes: compressed about 35 to 1."""
    rng = random.Random(seed)
    block = bytearray(b"a" * MB)
    for at in range(0, MB, every):
        block[at] = rng.randrange(ord("a"), ord("z") + 1)
    return bytes(block)


def styles_xml(formats: int, seed: int = 2014) -> bytes:
    """A styles part of `formats` random cell formats (<xf>), each with a number format and
    an alignment, about 160 bytes a format. A real workbook has a few hundred."""
    rng = random.Random(seed)
    xfs = "".join(
        f'<xf numFmtId="{rng.randrange(50)}" fontId="0" fillId="0" borderId="0" xfId="0" '
        f'applyAlignment="1"><alignment horizontal="{rng.choice(HORIZONTAL)}" '
        f'vertical="{rng.choice(VERTICAL)}" indent="{rng.randrange(16)}" '
        f'wrapText="{rng.randrange(2)}"/></xf>'
        for _ in range(formats)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
        '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        f'borderId="0"/></cellStyleXfs><cellXfs count="{formats}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ).encode()


def styles_bomb(formats: int = 24_000) -> bytes:
    """24,000 random cell formats in 3.7 MB of styles: openpyxl builds objects for each one,
    whether a cell uses it or not."""
    return rewrite(workbook(), {STYLES: styles_xml(formats)})


def workbook_names(names: int, seed: int = 2014) -> bytes:
    """The workbook part with `names` defined names (about 55 bytes each), random ones."""
    rng = random.Random(seed)
    defined = "".join(
        f'<definedName name="N{rng.getrandbits(40):010x}">People!$A${rng.randrange(1, 9999)}'
        "</definedName>"
        for _ in range(names)
    )
    return re.sub(
        rb"<definedNames\s*/>",
        f"<definedNames>{defined}</definedNames>".encode(),
        unzipped(workbook())[WORKBOOK],
    )


def names_bomb(names: int = 65_000) -> bytes:
    """65,000 defined names in 3.7 MB of workbook part, within its size limit: openpyxl
    parses each into an object and binds it to the workbook."""
    return rewrite(workbook(), {WORKBOOK: workbook_names(names)})


def big_workbook_part(names: int = 90_000) -> bytes:
    """A workbook part of 5 MB (90,000 defined names), parsed whole by openpyxl."""
    return rewrite(workbook(), {WORKBOOK: workbook_names(names)})


@functools.cache
def big_theme(megabytes: int = 90) -> bytes:
    """A theme of 90 MB (a comment of letters inside it): openpyxl reads the theme into
    memory whole, as bytes."""
    theme = unzipped(workbook())[THEME]
    end = theme.rindex(b"</a:theme>")
    return stuffed(
        workbook(), THEME, theme[:end] + b"<!--", sparse_block(), megabytes, b"--></a:theme>"
    )


@functools.cache
def long_shared_text(megabytes: int = 90) -> bytes:
    """One shared text of 90 MB, shown in cell B2: openpyxl holds every shared text in
    memory, a single one as long as this twice while it joins it."""
    content = with_strings(b"")
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>'.encode()
    return stuffed(content, STRINGS, head, sparse_block(), megabytes, b"</t></si></sst>")


# --- one cell's text --------------------------------------------------------------------
# Excel holds at most 32,767 characters in a cell; openpyxl reads any length, holding the
# text whole (twice while it joins the runs of one): each of these is 2 to 3 MB uploaded.


def long_cell(opening: bytes, closing: bytes, megabytes: int = 90) -> bytes:
    """Cell B2 of the sheet itself, `opening` + 90 MB of letters + `closing`."""
    xml = sheet_xml(f'<row r="1">{inline("A1", "service_number")}</row><row r="2">@')
    head, tail = xml.split(b"@")
    return stuffed(workbook(), SHEET, head + opening, sparse_block(), megabytes, closing + tail)


@functools.cache
def long_inline_text() -> bytes:
    """One inline text of 90 MB in cell B2."""
    return long_cell(b'<c r="B2" t="inlineStr"><is><t>', b"</t></is></c>")


@functools.cache
def long_value() -> bytes:
    """One value of 90 MB in cell B2 (a formula's text result, <v>)."""
    return long_cell(b'<c r="B2" t="str"><f>A1</f><v>', b"</v></c>")


@functools.cache
def long_shared_item(megabytes: int = 24) -> bytes:
    """One shared text of 24 MB (under the 32 MB of all shared strings), in runs of 32,000
    characters, each within Excel's limit: openpyxl joins them into one text."""
    letters = sparse_block()
    # Runs of different letters: a run repeated within 32 KB would compress like a zip bomb.
    runs = b"".join(
        b"<r><t>" + letters[at : at + 32_000] + b"</t></r>" for at in range(0, MB - 32_000, 32_000)
    )
    content = with_strings(b"")
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si>'.encode()
    copies = megabytes * MB // len(runs)
    return stuffed(content, STRINGS, head, runs, copies, b"</si></sst>")


def pdf_named_xlsx() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def text_named_xlsx() -> bytes:
    return "service_number,full_name\nQD0001,Nguyễn Văn An\n".encode()


def zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("people.csv", "service_number\nQD0001\n")
        archive.writestr("readme.txt", "Exported people")
    return out.getvalue()


def word_named_xlsx() -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def too_many_rows(rows: int = 50_001) -> bytes:
    """A sheet going down to row 50,001, with no declared size to give it away."""
    body = "".join(f'<row r="{n}">{inline(f"A{n}", f"P{n}")}</row>' for n in range(1, rows + 1))
    return rewrite(workbook(), {SHEET: sheet_xml(body)})


def far_row() -> bytes:
    """One cell on the sheet's last row, 1,048,576: a reader filling the rows between makes
    a million empty ones."""
    body = f'<row r="1">{inline("A1", "service_number")}</row>'
    body += f'<row r="1048576">{inline("A1048576", "QD0001")}</row>'
    return rewrite(workbook(), {SHEET: sheet_xml(body, "A1:B2")})


def too_many_columns() -> bytes:
    """A cell in column KN (300) under a stale declared size of A1:B2."""
    body = f'<row r="1">{inline("A1", "service_number")}{inline("KN1", "note")}</row>'
    return rewrite(workbook(), {SHEET: sheet_xml(body, "A1:B2")})


def too_many_parts(parts: int = 1_001) -> bytes:
    """A directory of more members than any workbook has: zipfile would hold them all."""
    out = io.BytesIO(workbook())
    with zipfile.ZipFile(out, "a") as archive:
        for n in range(parts):
            archive.writestr(f"xl/media/image{n}.png", b"")
    return out.getvalue()


def cell_bomb(rows: int = 4_000, columns: int = 200) -> bytes:
    """800,000 empty cells (a few bytes of XML each) within the row and column limits:
    openpyxl would parse them for half a minute."""
    from openpyxl.utils.cell import get_column_letter

    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    body = "".join(
        f'<row r="{n}">' + "".join(f'<c r="{x}{n}"/>' for x in letters) + "</row>"
        for n in range(1, rows + 1)
    )
    return rewrite(workbook(), {SHEET: sheet_xml(body)})


def long_csv_line() -> bytes:
    return b"service_number,full_name\nQD0001," + b"A" * 200_000 + b"\n"


def wide_csv() -> bytes:
    return (",".join(f"c{n}" for n in range(1_000)) + "\n").encode()


def tall_csv(lines: int = 100_000) -> bytes:
    """A heading, one row, then 100,000 empty lines."""
    return b"service_number\nQD0001\n" + b"\n" * lines


def long_csv_cell() -> bytes:
    """A quoted cell of 100,000 line breaks: each line short, the cell not."""
    return b'service_number,full_name\nQD0001,"' + b"\n" * 100_000 + b'"\n'


CORPUS = [
    Hostile(
        "dimension_bomb",
        "xlsx",
        dimension_bomb,
        r"declares 16,384 columns; at most 200 are read",
        "sheet declaring A1:XFD20000",
    ),
    Hostile(
        "merged_bomb",
        "xlsx",
        merged_bomb,
        r"merged range A2:XFD20001 .*covers 327,680,000 cells; at most 200,000",
        "merged range A2:XFD20001",
    ),
    Hostile(
        "zip_bomb",
        "xlsx",
        zip_bomb,
        r"unpacks to 401(\.\d)? MB, too much: at most 400 MB are read",
        "sheet unpacking to 401 MB",
    ),
    Hostile(
        "ratio_bomb",
        "xlsx",
        ratio_bomb,
        r"unpacks to [\d,]+ times its compressed size; a part unpacking to more than 100 times",
        "2 MB sheet compressed ~1,000:1",
    ),
    Hostile(
        "billion_laughs",
        "xlsx",
        billion_laughs,
        r"sharedStrings\.xml\) declares an XML document type",
        "entity expansion in shared strings",
    ),
    Hostile(
        "styles_bomb",
        "xlsx",
        styles_bomb,
        r"styles \(xl/styles\.xml\) define more than 20,000 formats",
        "24,000 cell formats in the styles",
    ),
    Hostile(
        "names_bomb",
        "xlsx",
        names_bomb,
        r"besides its sheets .* hold more than 50,000 XML elements, xl/workbook\.xml reaching",
        "65,000 defined names",
    ),
    Hostile(
        "big_workbook_part",
        "xlsx",
        big_workbook_part,
        r"\(xl/workbook\.xml\) unpacks to 5\.1 MB; at most 4 MB are read",
        "5 MB workbook part",
    ),
    Hostile(
        "big_theme",
        "xlsx",
        big_theme,
        r"\(xl/theme/theme1\.xml\) unpacks to 90 MB; at most 4 MB are read",
        "90 MB theme",
    ),
    Hostile(
        "long_shared_text",
        "xlsx",
        long_shared_text,
        r"\(xl/sharedStrings\.xml\) unpacks to 90 MB; at most 32 MB are read",
        "one shared text of 90 MB",
    ),
    Hostile(
        "long_inline_text",
        "xlsx",
        long_inline_text,
        r"Row 2 of sheet “People” has a cell longer than 32,767 characters",
        "an inline text of 90 MB in one cell",
    ),
    Hostile(
        "long_value",
        "xlsx",
        long_value,
        r"Row 2 of sheet “People” has a cell longer than 32,767 characters",
        "a value (<v>) of 90 MB in one cell",
    ),
    Hostile(
        "long_shared_item",
        "xlsx",
        long_shared_item,
        r"shared texts \(xl/sharedStrings\.xml\) hold a text longer than 32,767 characters",
        "one shared text of 24 MB in 32,000-character runs",
    ),
    Hostile(
        "pdf_named_xlsx",
        "xlsx",
        pdf_named_xlsx,
        r"This is a PDF document, not an Excel workbook",
        "a PDF named .xlsx",
    ),
    Hostile(
        "text_named_xlsx",
        "xlsx",
        text_named_xlsx,
        r"is not an Excel workbook \(a workbook is a zip archive\)",
        "text named .xlsx",
    ),
    Hostile(
        "zip_without_workbook",
        "xlsx",
        zip_without_workbook,
        r"This zip archive holds no Excel workbook",
        "a zip without workbook parts",
    ),
    Hostile(
        "word_named_xlsx",
        "xlsx",
        word_named_xlsx,
        r"This is a Word document, not an Excel workbook",
        "a Word document named .xlsx",
    ),
    Hostile(
        "too_many_rows",
        "xlsx",
        too_many_rows,
        r"has more than [\d,]+ rows \(empty ones included\); at most [\d,]+ are read",
        "rows down to 50,001",
    ),
    Hostile(
        "far_row",
        "xlsx",
        far_row,
        r"goes down to row 1,048,576; at most [\d,]+ rows are read",
        "one cell on row 1,048,576",
    ),
    Hostile(
        "too_many_columns",
        "xlsx",
        too_many_columns,
        r"has a cell in column KN; at most 200 columns are read",
        "a cell in column KN (300)",
    ),
    Hostile(
        "too_many_parts",
        "xlsx",
        too_many_parts,
        r"holds 1,01\d parts; at most 1,000 are read",
        "1,001 zip members",
    ),
    Hostile(
        "cell_bomb",
        "xlsx",
        cell_bomb,
        r"has more than [\d,]+ cells; at most [\d,]+ are read",
        "800,000 empty cells",
    ),
    Hostile(
        "long_csv_line",
        "csv",
        long_csv_line,
        r"Line 2 is longer than 100,000 characters",
        "a CSV line of 200,000 characters",
    ),
    Hostile(
        "long_csv_cell",
        "csv",
        long_csv_cell,
        r"has a cell longer than 32,767 characters",
        "a CSV cell of 100,000 line breaks",
    ),
    Hostile(
        "wide_csv",
        "csv",
        wide_csv,
        r"has 1,000 columns; at most 200 columns are read",
        "a CSV row of 1,000 columns",
    ),
    Hostile(
        "tall_csv",
        "csv",
        tall_csv,
        r"goes down to line [\d,]+; at most [\d,]+ lines are read",
        "a CSV file of 100,000 empty lines",
    ),
]
