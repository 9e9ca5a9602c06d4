"""Hostile files get a fast, clear refusal, through every import page that takes a spreadsheet.

The corpus (core.hostile_files) is built here, never committed: a sheet declaring
A1:XFD20000, a merged range A2:XFD20001, a real zip bomb of 401 MB, entities expanding to
gigabytes, a PDF or text or another zip behind an .xlsx name, too many rows, columns, cells,
parts, a CSV line or cell too long; and parts openpyxl parses or reads whole, each far from
a zip bomb's compression ratio: 24,000 cell formats, 65,000 defined names, a 5 MB workbook
part, a 90 MB theme, a 90 MB shared text; one cell's text of 90 MB (inline, a value) and a
shared text of 24 MB in runs each within Excel's limit. Each is uploaded to the people
import and to a course run's results import: refused with the limit in the message, nothing
written, the request's peak memory under 100 MB. Times are the benchmark's
(bench/hostile_files.py), never asserted.
"""

import datetime
import html
import io
import random
import re
import tracemalloc
import zipfile
from xml.etree.ElementTree import ParseError

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.chart import BarChart, Reference
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.xml import DEFUSEDXML

from core import hostile_files, roles, spreadsheets, testing
from core.hostile_files import CORPUS, styles_xml, workbook_names
from core.models import Job, JobState
from core.workbook_builders import (
    MAIN,
    SHEET,
    STYLES,
    WORKBOOK,
    inline,
    rewrite,
    sheet_xml,
    unzipped,
    workbook,
)
from people.models import Passport, Person
from training.models import Course, CourseRun, Enrolment

MEMORY_LIMIT = 100 * 1024 * 1024
TOKEN = "0123456789abcdef0123456789abcdef"
PEOPLE_LIMITS = spreadsheets.Limits(max_bytes=20 * 1024 * 1024, max_rows=20_000)


# Each test's uploads go to a folder of its own (the fixture is in conftest.py).
pytestmark = pytest.mark.usefixtures("upload_folder")


@pytest.fixture
def run(mod):
    course = Course.objects.create(code="UN-CPTM-T", title="CPTM", kind="cptm", pass_mark=60)
    return CourseRun.objects.create(
        course=course,
        organisation=mod["department"],
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 3, 14),
        capacity=30,
    )


@pytest.fixture
def people_page(client, mod, personnel_officer, upload_folder):
    """Upload to the people import; (messages shown, page text)."""
    testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD0001")
    client.force_login(personnel_officer)

    def upload(name, content):
        file = SimpleUploadedFile(name, content)
        response = client.post("/people/import/", {"token": TOKEN, "file": file})
        assert response.status_code == 200
        assert not upload_folder.exists() or list(upload_folder.iterdir()) == []
        shown = [str(problem) for problem in response.context["plan"].problems]
        return shown, html.unescape(response.content.decode())

    return upload


@pytest.fixture
def results_page(client, mod, run):
    """Upload to the course run's results import; (messages shown, page text)."""
    client.force_login(testing.user("t", roles.TRAINING_OFFICER, mod["department"]))

    def upload(name, content):
        file = SimpleUploadedFile(name, content)
        response = client.post(f"/training/runs/{run.pk}/import/", {"file": file}, follow=True)
        job = Job.objects.latest("pk")
        assert job.state == JobState.FAILED  # the import ran as a job: its message lists them
        return job.message.splitlines()[1:], html.unescape(response.content.decode())

    return upload


def written():
    return (Person.objects.count(), Passport.objects.count(), Enrolment.objects.count())


def measured(upload, name, content):
    """The page's answer to `content` uploaded as `name`, and the request's peak memory."""
    tracemalloc.start()
    try:
        answer = upload(name, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return answer, peak


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.key for h in CORPUS])
@pytest.mark.parametrize("page", ["people_page", "results_page"])
def test_every_hostile_file_is_refused_naming_its_limit_and_nothing_is_written(
    db, request, page, hostile
):
    upload = request.getfixturevalue(page)
    before = written()
    content = hostile.build()
    (shown, text), peak = measured(upload, f"people.{hostile.extension}", content)
    assert len(shown) == 1, shown
    assert re.search(hostile.expected, shown[0]), shown[0]
    assert shown[0] in text  # on the page, where the officer reads it
    assert written() == before
    assert peak < MEMORY_LIMIT, f"{hostile.key}: {peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    "hostile", [h for h in CORPUS if h.extension == "xlsx"], ids=lambda h: h.key
)
def test_a_hostile_workbook_is_refused_before_openpyxl_opens_it(hostile, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened a hostile workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    monkeypatch.setattr(ExcelReader, "read", never)  # what load_workbook and the reader run
    with pytest.raises(spreadsheets.FileRefused, match=hostile.expected):
        spreadsheets.read_table(io.BytesIO(hostile.build()), "people.xlsx", PEOPLE_LIMITS)


def read(content, name="people.xlsx", limits=PEOPLE_LIMITS):
    return spreadsheets.read_table(io.BytesIO(content), name, limits, sheet="People")


def test_a_sheet_declaring_16384_columns_is_refused_before_it_is_read():
    with pytest.raises(spreadsheets.FileRefused) as refused:
        read(hostile_files.dimension_bomb())
    assert str(refused.value) == (
        "The sheet “People” declares 16,384 columns; at most 200 are read."
    )


def test_a_merged_range_over_the_whole_sheet_is_refused_before_it_is_filled():
    with pytest.raises(spreadsheets.FileRefused) as refused:
        read(hostile_files.merged_bomb())
    assert str(refused.value) == (
        "The merged range A2:XFD20001 of sheet “People” covers 327,680,000 cells; "
        "at most 200,000 merged cells are read."
    )


def test_a_zip_bomb_is_refused_from_the_zips_directory_alone():
    with pytest.raises(spreadsheets.FileRefused, match="unpacks to 401 MB, too much"):
        read(hostile_files.zip_bomb())


def test_openpyxl_parses_with_defusedxml_and_refuses_entities_itself():
    # The reader refuses a document type before openpyxl parses; openpyxl, given one
    # directly, must refuse its entities too (it uses defusedxml when installed).
    from defusedxml import EntitiesForbidden

    assert DEFUSEDXML
    with pytest.raises(ValueError) as error:
        openpyxl.load_workbook(io.BytesIO(hostile_files.billion_laughs()), read_only=True)
    causes = [error.value.__cause__, error.value.__context__]
    assert any(isinstance(cause, EntitiesForbidden) for cause in causes)


def test_entities_in_the_sheet_itself_are_refused():
    laughs = hostile_files.LAUGHS.replace("<!DOCTYPE sst", "<!DOCTYPE worksheet")
    content = rewrite(workbook(), {SHEET: laughs.encode()})
    with pytest.raises(spreadsheets.FileRefused, match=r"sheet1\.xml\) declares an XML document"):
        read(content)


def test_a_part_larger_than_the_limit_is_refused(settings):
    settings.SPREADSHEET_LIMITS = {"max_part_bytes": 1024 * 1024}
    content = rewrite(workbook(), {SHEET: lambda xml: xml + b" " * (2 * 1024 * 1024)})
    with pytest.raises(spreadsheets.FileRefused) as refused:
        read(content, limits=spreadsheets.Limits.configured(max_rows=20_000))
    assert "(xl/worksheets/sheet1.xml) unpacks to 2 MB; at most 1 MB are read" in str(refused.value)


def test_more_merged_ranges_or_merged_cells_than_the_limits_are_refused():
    merges = "".join(f'<mergeCell ref="A{n}:B{n}"/>' for n in range(2, 30, 2))
    content = rewrite(
        workbook(),
        {
            SHEET: lambda xml: xml.replace(
                b"</sheetData>", f"</sheetData><mergeCells>{merges}</mergeCells>".encode()
            )
        },
    )
    few = spreadsheets.Limits(max_merges=5)
    with pytest.raises(spreadsheets.FileRefused, match="more than 5 merged ranges"):
        read(content, limits=few)
    small = spreadsheets.Limits(max_merged_cells=10)
    with pytest.raises(spreadsheets.FileRefused, match="cover more than 10 cells"):
        read(content, limits=small)
    assert len(read(content).notices) == 1  # within the limits: read and filled


def test_a_value_past_the_column_limit_is_refused_even_with_cells_out_of_order():
    # The checks look at each row's last cell; a row listing its widest cell first passes
    # them, and the reading, one column wider than the limit, still finds it.
    body = f'<row r="1">{inline("GS1", "note")}{inline("A1", "service_number")}</row>'
    content = rewrite(workbook(), {SHEET: sheet_xml(body)})
    with pytest.raises(spreadsheets.FileRefused, match="column GS; at most 200 columns"):
        read(content)


def test_more_shared_texts_than_cells_read_are_refused(settings):
    strings = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main">' + "<si><t>x</t></si>" * 50 + "</sst>"
    )
    content = rewrite(hostile_files.billion_laughs(), {"xl/sharedStrings.xml": strings.encode()})
    with pytest.raises(spreadsheets.FileRefused, match="more than 20 different texts"):
        read(content, limits=spreadsheets.Limits(max_cells=20))
    assert read(content).rows == [(2, ["QD0001", "x"])]


def test_an_odd_declared_size_is_no_reason_to_refuse():
    # LibreOffice has written "1:233"; openpyxl falls back to reading, and so does the reader.
    content = rewrite(
        workbook(),
        {
            SHEET: lambda xml: re.sub(
                rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="1:2"/>', xml
            )
        },
    )
    assert read(content).rows == [(2, ["QD0001", "Nguyễn Văn An"])]


def test_a_workbook_with_a_namespace_prefix_is_scanned_as_well():
    body = '<x:row r="1"><x:c r="KN1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>'
    xml = (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><x:sheetData>{body}</x:sheetData></x:worksheet>'
    )
    content = rewrite(workbook(), {SHEET: xml.encode()})
    with pytest.raises(spreadsheets.FileRefused, match="column KN; at most 200 columns"):
        read(content)


def utf16(xml: bytes) -> bytes:
    return xml.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def test_a_part_in_utf16_is_scanned_as_well():
    # No spreadsheet program writes one, but openpyxl reads it: its tags, counted as UTF-8
    # bytes, would be none.
    body = f'<row r="1">{inline("A1", "service_number")}{inline("KN1", "note")}</row>'
    content = rewrite(workbook(), {SHEET: utf16(sheet_xml(body))})
    with pytest.raises(spreadsheets.FileRefused, match="column KN; at most 200 columns"):
        read(content)
    styles = rewrite(workbook(), {STYLES: utf16(styles_xml(300))})
    assert read(styles).rows == [(2, ["QD0001", "Nguyễn Văn An"])]
    with pytest.raises(spreadsheets.FileRefused, match="define more than 200 formats"):
        read(styles, limits=spreadsheets.Limits(max_styles=200))


def test_a_csv_named_file_holding_a_workbook_is_refused():
    with pytest.raises(spreadsheets.FileRefused, match="named .csv but is not a text file"):
        read(workbook(), "people.csv")


def test_a_zip_directory_is_not_read_when_it_lists_too_many_parts():
    # zipfile would read the whole directory into memory: the count is taken from the
    # zip's end record first.
    content = hostile_files.too_many_parts(20)
    with pytest.raises(spreadsheets.FileRefused, match="holds 29 parts; at most 10 are read"):
        read(content, limits=spreadsheets.Limits(max_members=10))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert len(archive.infolist()) == 29


def two_sheets(notes_xml: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "People"
    book.active.append(["service_number"])
    book.active.append(["QD0001"])
    book.create_sheet("Notes").append(["read me"])
    out = io.BytesIO()
    book.save(out)
    return rewrite(out.getvalue(), {"xl/worksheets/sheet2.xml": notes_xml})


def test_a_sheet_not_imported_is_not_held_to_the_limits_of_the_one_read():
    # openpyxl reads no further than a declared size in the sheets it does not iterate.
    notes = sheet_xml(f'<row r="1">{inline("XFD1", "far")}</row>', "A1:XFD1")
    assert read(two_sheets(notes)).rows == [(2, ["QD0001"])]


def test_sheets_without_a_declared_size_count_together_against_the_limits():
    # Without a declared size openpyxl parses a whole sheet when it opens the workbook.
    notes = sheet_xml("".join(f'<row r="{n}">{inline(f"A{n}", "x")}</row>' for n in range(1, 41)))
    limits = spreadsheets.Limits(max_rows=20, last_row=41)
    with pytest.raises(spreadsheets.FileRefused, match="sheets of the workbook hold more than 41"):
        read(two_sheets(notes), limits=limits)
    assert read(two_sheets(notes)).rows == [(2, ["QD0001"])]


# --- the parts openpyxl parses whole ------------------------------------------------------


def formatted_workbook(formats: int = 300) -> bytes:
    """A workbook as openpyxl saves it: "People" with a date of birth, and a sheet of
    `formats` cells each formatted differently (font, fill, border, number format,
    alignment), as a real workbook's few hundred formats."""
    book = openpyxl.Workbook()
    people = book.active
    people.title = "People"
    people.append(["service_number", "full_name", "born_on"])
    people.append(["QD0001", "Nguyễn Văn An", datetime.date(1990, 5, 17)])
    people["C2"].number_format = "dd/mm/yyyy"
    sheet = book.create_sheet("Formats")
    for n in range(formats):
        cell = sheet.cell(row=n + 1, column=1, value=n)
        cell.font = Font(size=8 + n % 12, bold=n % 2 == 0, color=f"FF{n * 4099 % 0xFFFFFF:06X}")
        cell.fill = PatternFill("solid", fgColor=f"FF{n * 7919 % 0xFFFFFF:06X}")
        cell.border = Border(left=Side(style=("thin", "medium", "dashed")[n % 3]))
        cell.number_format = ("0.00", "#,##0", "0%", "dd/mm/yyyy")[n % 4] + "0" * (n % 7)
        cell.alignment = Alignment(horizontal=("left", "center", "right")[n % 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_with_a_few_hundred_formats_is_read_with_its_dates():
    content = formatted_workbook()
    assert len(unzipped(content)[STYLES]) > 50_000  # a styles part as real ones are
    born = datetime.datetime(1990, 5, 17)
    assert read(content).rows == [(2, ["QD0001", "Nguyễn Văn An", born])]
    assert read(rewrite(workbook(), {STYLES: styles_xml(1_000)})).rows == [
        (2, ["QD0001", "Nguyễn Văn An"])
    ]


def test_the_styles_are_held_to_a_number_of_formats():
    content = rewrite(workbook(), {STYLES: styles_xml(300)})
    with pytest.raises(spreadsheets.FileRefused) as refused:
        read(content, limits=spreadsheets.Limits(max_styles=200))
    assert str(refused.value) == (
        "The workbook's styles (xl/styles.xml) define more than 200 formats (cell and number "
        "formats, fonts, fills, borders, conditional formats, named styles); at most 200 are "
        "read. Paste the data as values into a new workbook and upload that."
    )


def test_the_parts_parsed_whole_are_held_to_a_size_and_together_to_a_number_of_elements():
    content = rewrite(workbook(), {WORKBOOK: workbook_names(2_000)})
    assert read(content).rows == [(2, ["QD0001", "Nguyễn Văn An"])]
    with pytest.raises(spreadsheets.FileRefused) as refused:
        read(content, limits=spreadsheets.Limits(max_parsed_elements=1_000))
    assert str(refused.value) == (
        "The parts of the workbook besides its sheets (styles, names, relationships…) hold "
        "more than 1,000 XML elements, xl/workbook.xml reaching the limit; at most 1,000 are "
        "read. Paste the data as values into a new workbook and upload that."
    )
    # The styles' elements count with the others: no part reaches the limit alone.
    styled = rewrite(content, {STYLES: styles_xml(1_000)})
    with pytest.raises(spreadsheets.FileRefused, match="xl/styles.xml reaching the limit"):
        read(styled, limits=spreadsheets.Limits(max_parsed_elements=3_000))
    with pytest.raises(spreadsheets.FileRefused) as refused:
        read(content, limits=spreadsheets.Limits(max_parsed_part_bytes=64 * 1024))
    assert str(refused.value) == (
        "A part of the workbook (xl/workbook.xml) unpacks to 117.5 KB; at most 64 KB are read."
    )


def test_two_sheets_on_one_part_are_refused():
    # openpyxl would read the part once for each sheet; the checks stream it once.
    twice = (
        b'<sheet name="People" sheetId="1" state="visible" r:id="rId1" />'
        b'<sheet name="Again" sheetId="2" state="visible" r:id="rId1" />'
    )
    content = rewrite(workbook(), {WORKBOOK: lambda xml: re.sub(rb"<sheet [^>]*/>", twice, xml)})
    with pytest.raises(spreadsheets.FileRefused, match="damaged or incomplete"):
        read(content)


def test_a_sheet_of_another_relationship_type_is_checked_as_openpyxl_reads_it():
    # openpyxl reads every sheet but a chart sheet as a worksheet, whatever its type.
    body = f'<row r="1">{inline("A1", "service_number")}{inline("KN1", "note")}</row>'
    rels = "xl/_rels/workbook.xml.rels"
    content = rewrite(
        workbook(),
        {
            SHEET: sheet_xml(body),
            rels: lambda xml: xml.replace(b"relationships/worksheet", b"relationships/macro"),
        },
    )
    with pytest.raises(spreadsheets.FileRefused, match="column KN; at most 200 columns"):
        read(content)


def test_a_chart_sheet_is_left_unread():
    # openpyxl parses a chart sheet's drawing and charts whole, and reads its pictures, once
    # for each reference: the reader leaves chart sheets to openpyxl unread.
    book = openpyxl.load_workbook(io.BytesIO(formatted_workbook(10)))
    chart = BarChart()
    chart.add_data(Reference(book["Formats"], min_col=1, min_row=1, max_row=10))
    book.create_chartsheet("Chart").add_chart(chart)
    out = io.BytesIO()
    book.save(out)
    broken = rewrite(out.getvalue(), {"xl/drawings/drawing1.xml": b"<xdr:wsDr><unclosed>"})
    with pytest.raises(ParseError):
        openpyxl.load_workbook(io.BytesIO(broken), read_only=True)
    assert read(broken).rows[0][1][:2] == ["QD0001", "Nguyễn Văn An"]


# --- one cell's text ----------------------------------------------------------------------


def test_a_cell_text_is_held_to_the_limit_in_bytes_whatever_its_element():
    # The scan counts bytes, up to 4 a character allowed (UTF-8's most): 400 for 100.
    limits = spreadsheets.Limits(max_field_chars=100)
    heading = f'<row r="1">{inline("A1", "service_number")}</row>'
    cells = {
        "inline": lambda text: f'<c r="A2" t="inlineStr"><is><t>{text}</t></is></c>',
        "value": lambda text: f'<c r="A2" t="str"><v>{text}</v></c>',
        "formula": lambda text: f'<c r="A2"><f>{text}</f><v>1</v></c>',
    }
    for kind, cell in cells.items():
        for length, refused in ((400, False), (401, True)):
            body = heading + f'<row r="2">{cell("x" * length)}</row>'
            content = rewrite(workbook(), {SHEET: sheet_xml(body)})
            if refused:
                with pytest.raises(spreadsheets.FileRefused) as refusal:
                    read(content, limits=limits)
                assert str(refusal.value) == (
                    "Row 2 of sheet “People” has a cell longer than 100 characters; "
                    "at most 100 characters a cell are read."
                ), kind
            elif kind != "formula":  # data_only: a formula's cell reads as its value
                assert read(content, limits=limits).rows == [(2, ["x" * length])], kind


def test_a_shared_text_is_held_to_the_limit_with_all_its_runs():
    limits = spreadsheets.Limits(max_field_chars=100)
    # Each run within the 400 bytes of a text, together past the 800 of an item (its tags
    # counted).
    runs = "".join(f"<r><t>{letter * 300}</t></r>" for letter in "abc")
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si>{runs}</si></sst>'
    content = hostile_files.with_strings(strings.encode())
    assert read(content).rows == [(2, ["QD0001", "a" * 300 + "b" * 300 + "c" * 300])]
    with pytest.raises(spreadsheets.FileRefused, match="hold a text longer than 100 characters"):
        read(content, limits=limits)


def test_the_text_scan_finds_a_long_text_wherever_the_blocks_are_cut():
    # blocks() never cuts inside a tag; a text or an item may span any number of blocks.
    from core.workbook_checks import TextScan

    rng = random.Random(2014)
    for _ in range(300):
        items = [
            "".join(
                f"<r><t>{'x' * rng.randrange(0, 60)}</t></r>" for _ in range(rng.randrange(1, 4))
            )
            for _ in range(rng.randrange(1, 6))
        ]
        xml = "<sst>" + "".join(f"<si>{item}</si>" for item in items) + "</sst>"
        longest_text = max(len(text) for text in re.findall(r">([^<]*)", xml))
        longest_item = max(len(m) for m in re.findall(r"<si>.*?</si>", xml)) - len("</si>")
        tags = [m.start() for m in re.finditer("<", xml)]
        cuts = sorted(rng.sample(tags, min(len(tags), rng.randrange(0, 8))))
        cuts += [
            rng.randrange(a + 1, b) for a, b in zip(tags, tags[1:], strict=False) if b - a > 10
        ][:3]
        cuts = sorted(set(cuts) | {0, len(xml)})
        limit = rng.randrange(10, 200)
        scan = TextScan(limit, b"<si")
        found = any(
            scan.find(xml[a:b].encode()) is not None
            for a, b in zip(cuts, cuts[1:], strict=False)
            if b > a
        )
        assert found == (longest_text > limit or longest_item > 2 * limit), (xml, cuts, limit)
