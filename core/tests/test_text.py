"""Names as search matches them and as UN documents print them."""

from __future__ import annotations

from core.text import fold, latin_form


def test_a_name_is_folded_to_lower_case_ascii_with_single_spaces():
    assert fold("Nguyễn  Thị Hương ") == "nguyen thi huong"
    assert fold("ĐẶNG Văn Đức") == "dang van duc"
    assert fold("") == "" and fold(None) == ""


def test_the_latin_form_is_upper_case_without_diacritics():
    assert latin_form("Nguyễn Thị Hương") == "NGUYEN THI HUONG"
    assert latin_form("  Trần   Văn Bình ") == "TRAN VAN BINH"
