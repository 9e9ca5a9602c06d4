"""Reading import files: formats, dates, empty rows, merged cells, damaged and oversized files."""

import datetime
import io
import zipfile

import pytest

from people.imports import columns, readers
from people.imports.testing import csv_bytes, xlsx_bytes


@pytest.fixture
def saved(tmp_path):
    def save(content: bytes, name: str = "people.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return save


def read(saved, content, name="people.xlsx"):
    return readers.read_file(saved(content, name), name)


@pytest.mark.parametrize(
    "written",
    [
        "2024-03-01",
        "01/03/2024",
        "1/3/2024",
        "01.03.2024",
        "01-03-2024",
        "1 Mar 2024",
        "01-Mar-2024",
        "1 March 2024",
        "Mar 1, 2024",
        "2024/03/01",
        "20240301",
        "45352",
        45352,
        45352.0,
        "2024-03-01 00:00:00",
        datetime.datetime(2024, 3, 1, 0, 0),
        datetime.date(2024, 3, 1),
    ],
)
def test_it_reads_the_first_of_march_however_it_is_written(written):
    assert columns.date(written) == datetime.date(2024, 3, 1)


@pytest.mark.parametrize("written", ["13/13/2024", "31/02/2024", "March", "2024-3", "1e5", 99999])
def test_it_refuses_what_is_no_date_with_the_ways_to_write_one(written):
    with pytest.raises(columns.CellError) as error:
        columns.date(written)
    assert str(written) in str(error.value)


def test_it_reads_day_first_never_month_first():
    # 03/01/2024 is the 3rd of January in Viet Nam, not the 1st of March.
    assert columns.date("03/01/2024") == datetime.date(2024, 1, 3)


@pytest.mark.parametrize(
    ("written", "code"),
    [("F", "F"), ("f", "F"), ("Female", "F"), ("Nữ", "F"), ("nu", "F"), ("M", "M"), ("Nam", "M")],
)
def test_it_reads_sex_in_english_vietnamese_and_codes(written, code):
    assert columns.read_sex(written) == code


def test_it_names_the_accepted_values_of_a_choice():
    with pytest.raises(columns.CellError, match="Female, Male"):
        columns.read_sex("X")


def test_it_reads_languages_with_their_levels():
    assert columns.languages("English B2; French A2") == [("English", 4), ("French", 2)]
    assert columns.languages("en: c1, Tiếng Pháp - b1") == [("en", 5), ("Tiếng Pháp", 3)]
    with pytest.raises(columns.CellError, match="English B2"):
        columns.languages("English, good")


def test_it_reads_numbers_as_text_without_a_decimal_point():
    assert columns.text(1234567.0) == "1234567"
    assert columns.text("  Nguyễn   Văn  An ") == "Nguyễn Văn An"


def test_it_refuses_formulas_and_reads_back_neutralised_cells():
    with pytest.raises(columns.CellError, match="formula"):
        columns.text('=HYPERLINK("http://x")')
    # What the exports write for a value that starts like a formula reads back as the value.
    assert columns.text("'+84 912 345 678") == "+84 912 345 678"
    assert columns.text("'=1+1") == "=1+1"
    assert columns.text("'O'Neil") == "'O'Neil"


def test_it_matches_headings_in_any_case_with_or_without_diacritics_or_as_keys():
    assert columns.find_column("DATE OF BIRTH").key == "date_of_birth"
    assert columns.find_column("date_of_birth").key == "date_of_birth"
    assert columns.find_column(" Service number * ").key == "service_number"
    assert columns.find_column("Birthday") is None


def test_it_skips_empty_rows_and_keeps_the_spreadsheet_row_numbers(saved):
    content = xlsx_bytes([["Name", "Sex"], ["An", "M"], [None, None], ["  ", None], ["Mai", "F"]])
    sheet = read(saved, content)
    assert sheet.header == ["Name", "Sex"]
    assert [number for number, _ in sheet.rows] == [2, 5]


def test_it_reads_a_merged_range_as_its_first_cell_everywhere_and_says_so(saved):
    content = xlsx_bytes(
        [["Organisation", "Name"], ["H175", "An"], [None, "Mai"], [None, "Lan"]],
        merges=["A2:A4"],
    )
    sheet = read(saved, content)
    assert [values[0] for _, values in sheet.rows] == ["H175", "H175", "H175"]
    assert "A2:A4" in sheet.notices[0]


def test_it_reads_csv_with_semicolons_and_a_byte_order_mark(saved):
    content = b"\xef\xbb\xbf" + csv_bytes([["Name", "Sex"], ["Nguyễn Thị Mai", "F"]], ";")
    sheet = read(saved, content, "people.csv")
    assert sheet.header == ["Name", "Sex"]
    assert sheet.rows == [(2, ["Nguyễn Thị Mai", "F"])]


def test_it_reads_csv_saved_as_unicode_text(saved):
    content = "Name\tSex\r\nLê Văn An\tM\r\n".encode("utf-16")
    assert read(saved, content, "people.txt").rows == [(2, ["Lê Văn An", "M"])]


def test_it_asks_for_utf8_when_a_csv_is_in_another_encoding(saved):
    content = "Name,Sex\nLê Văn An,M\n".encode("cp1258")
    with pytest.raises(readers.FileError, match="UTF-8"):
        read(saved, content, "people.csv")


def test_it_says_a_csv_cut_inside_a_quoted_cell_may_be_truncated(saved):
    with pytest.raises(readers.FileError, match="Row 3.*cut short"):
        read(saved, b'Name,Sex\nAn,M\n"Mai,F\n', "people.csv")


def test_it_says_a_truncated_workbook_is_damaged(saved):
    content = xlsx_bytes([["Name"], ["An"]])
    with pytest.raises(readers.FileError, match="damaged or incomplete"):
        read(saved, content[: len(content) // 2])


def test_it_says_an_old_xls_file_must_be_saved_as_xlsx(saved):
    with pytest.raises(readers.FileError, match=".xls"):
        read(saved, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "people.xls")


def test_it_refuses_other_kinds_of_file(saved):
    with pytest.raises(readers.FileError, match=".xlsx or .csv"):
        read(saved, b"%PDF-1.7 ...", "people.pdf")


def test_it_refuses_a_50_mb_file_before_reading_it(saved):
    path = saved(b"", "big.csv")
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    with pytest.raises(readers.FileError, match="50.0 MB; the limit is 20.0 MB"):
        readers.read_file(path, "big.csv")


def test_it_refuses_more_rows_than_the_limit(saved, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    content = csv_bytes([["Name"], *[[f"P{n}"] for n in range(5)]])
    with pytest.raises(readers.FileError, match="more than 3 rows"):
        read(saved, content, "people.csv")


def test_it_refuses_a_workbook_that_unpacks_to_too_much(saved, monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 1000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 100_000 + "</a>")
    with pytest.raises(readers.FileError, match="too much"):
        read(saved, out.getvalue())


def test_it_reads_a_sheet_whose_declared_size_is_wrong(saved):
    # write-only workbooks declare no size; every row must still be read.
    content = xlsx_bytes([["Name"], *[[f"P{n}"] for n in range(30)]], write_only=True)
    assert len(read(saved, content).rows) == 30
