"""Two officers on one person, through a real browser: the later save never silently wins."""

import pytest

from core import testing


@pytest.mark.browser
def test_a_save_over_someone_elses_change_is_refused_shown_and_applied_on_purpose(
    page, sign_in, mod, personnel_officer
):
    person = testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F")
    sign_in(personnel_officer)
    page.goto(f"/people/{person.pk}/edit/")
    page.get_by_label("Full name").fill("Nguyễn Thị Thu Hương")

    # Meanwhile another officer records the phone number.
    person.phone = "0912 345 678"
    person.save()
    page.get_by_role("button", name="Save").click()

    conflict = page.get_by_test_id("conflict")
    assert "Phone is now “0912 345 678”" in conflict.inner_text()
    assert page.get_by_label("Full name").input_value() == "Nguyễn Thị Thu Hương"
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Hương"

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/people/{person.pk}/")
    assert page.locator("h1").inner_text().startswith("Nguyễn Thị Thu Hương")
    person.refresh_from_db()
    assert (person.full_name, person.phone) == ("Nguyễn Thị Thu Hương", "0912 345 678")
