"""The main path through a real browser: find a person from the top search box."""

import pytest

from core import testing


@pytest.mark.browser
def test_a_personnel_officer_finds_a_person_without_diacritics_and_opens_the_page(
    page, sign_in, mod, personnel_officer
):
    testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="175-0420")
    testing.person(mod["hospital"], "Trần Văn Hùng")
    sign_in(personnel_officer)
    search = page.get_by_role("searchbox", name="Find a person")
    search.fill("nguyen thi huong")
    search.press("Enter")
    page.wait_for_url("**/people/?q=*")
    table = page.locator("table")
    assert "Trần Văn Hùng" not in table.inner_text()
    table.get_by_role("link", name="Nguyễn Thị Hương").click()
    page.wait_for_url("**/people/*/")
    assert page.locator("h1").inner_text().startswith("Nguyễn Thị Hương")
    assert "175-0420" in page.get_by_test_id("identity").inner_text()
