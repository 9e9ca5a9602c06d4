"""Exports a spreadsheet opens safely: formula-like text neutralised, numbers left as numbers."""

import datetime
import io
from decimal import Decimal

import pytest
import tablib
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core import testing
from core.exports import (
    FORMULA_PREFIXES,
    neutralise,
    neutralise_formulas,
    unneutralise,
    workbook_bytes,
    write_rows,
)


@pytest.mark.parametrize("text", ["=1+1", "+84 912 345 678", "-5", "@SUM(A1)", "\t=x", "\r=x"])
def test_it_prefixes_text_that_a_spreadsheet_would_run(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-5, -1.5, Decimal("-2.25"), 0, datetime.date(2024, 3, 1), None, True, "Nguyễn", "a-b"]
)
def test_it_leaves_numbers_dates_and_plain_text_alone(value):
    assert neutralise(value) == value


@given(st.text())
def test_reading_back_what_was_neutralised_gives_the_value(text):
    assert unneutralise(neutralise(text)) == text


def test_reading_back_leaves_other_apostrophes():
    assert unneutralise("'O'Neil") == "'O'Neil"
    assert unneutralise("''=x") == "''=x"


def xlsx_cells(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def test_an_excel_export_keeps_negative_numbers_as_numbers_and_formulas_as_text():
    dataset = tablib.Dataset(headers=["number", "text", "formula"])
    dataset.append([-5, "-5", '=HYPERLINK("http://x")'])
    neutralise_formulas(dataset)
    cells = xlsx_cells(dataset.export("xlsx"))
    assert cells[1] == [(-5, "n"), ("'-5", "s"), ('\'=HYPERLINK("http://x")', "s")]


def test_written_rows_keep_types_and_show_dates_as_iso():
    book = Workbook()
    write_rows(book.active, [["=cmd", -5, datetime.date(2024, 3, 1), Decimal("1.5")]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    text, number, day, decimal = next(sheet.iter_rows())
    assert (text.value, text.data_type) == ("'=cmd", "s")
    assert (number.value, number.data_type) == (-5, "n")
    assert day.value == datetime.datetime(2024, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert (decimal.value, decimal.data_type) == (1.5, "n")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_people_list_exports_neutralise_every_formula_like_cell(
    client, mod, personnel_officer, fmt
):
    testing.person(mod["hospital"], "An", latin_name="=cmd|' /C calc'!A0", phone="+84 912 345 678")
    client.force_login(personnel_officer)
    content = client.get("/people/", {"export": fmt}).content
    if fmt == "csv":
        text = content.decode()
        assert "'=cmd|' /C calc'!A0" in text and "'+84 912 345 678" in text
        return
    cells = [cell for row in xlsx_cells(content) for cell in row]
    assert ("'=cmd|' /C calc'!A0", "s") in cells and ("'+84 912 345 678", "s") in cells
    assert all(kind != "f" for _value, kind in cells)  # no cell is a formula


def test_every_prefix_is_covered_both_ways():
    for prefix in FORMULA_PREFIXES:
        assert unneutralise(neutralise(prefix + "x")) == prefix + "x"
