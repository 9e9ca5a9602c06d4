"""Ids, months and search text from what a user controls: what cannot be read is refused."""

import datetime

import pytest

from core.parsing import parse_id, parse_month, query_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), ("007", 7), (7, 7), (str(2**63 - 1), 2**63 - 1)],
)
def test_it_reads_an_id_in_ascii_digits(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    "text",
    # "²" passes str.isdigit() and then fails int(); "٣" and "３" pass both, as 3.
    ["²", "٣", "３", "1²", "", " 7", "7 ", "-7", "+7", "0", str(2**63), "1e3", None, True, 0],
)
def test_it_refuses_anything_else_as_an_id(text):
    assert parse_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021-01", datetime.date(2021, 1, 1)), (" 2024-2 ", datetime.date(2024, 2, 1))],
)
def test_it_reads_a_month(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    "text",
    ["0000-01", "2024-13", "2024-00", "10000-01", "٢٠٢٤-٠١", "2024-²", "2024", "", None, 202401],
)
def test_it_refuses_a_month_the_calendar_has_not_or_in_other_digits(text):
    assert parse_month(text) is None


def test_search_text_is_stripped_and_none_if_it_holds_a_nul_character():
    assert query_text("  huong ") == "huong"
    assert query_text("huong\x00") == ""
    assert query_text(None) == ""
