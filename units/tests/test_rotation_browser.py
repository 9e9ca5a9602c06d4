"""The planner's main path through the real pages: create a rotation and see its gaps."""

import pytest

from core import testing
from missions.models import Location


@pytest.mark.browser
def test_a_planner_creates_a_rotation_and_sees_its_gaps(page, sign_in, planner, mod):
    kind = testing.unit_type(positions=0)
    kind.positions.create(order=1, role="Hospital director", count=1)
    kind.positions.create(order=2, role="Surgeon", count=2)
    mission = testing.mission()
    Location.objects.create(mission=mission, name="Bentiu")

    sign_in(planner)
    page.goto("/units/rotations/")
    page.click('a[href="/units/rotations/add/"]')
    page.select_option("#id_unit_type", label="Level-2 Field Hospital")
    page.select_option("#id_mission", label="UNMISS")
    page.select_option("#id_location", label="UNMISS Bentiu")
    page.select_option("#id_organisation", label="H175")
    page.fill("#id_planned_departure", "2026-04-01")
    page.fill("#id_planned_return", "2027-04-01")
    page.fill("#id_target_women_share", "15")
    assert page.is_checked("#id_generate")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url("**/units/rotations/*/")
    assert page.locator("h1").inner_text().startswith("Level-2 Field Hospital Rotation 1")
    rows = page.locator('[data-testid="positions"] tbody tr')
    assert rows.count() == 3
    assert rows.nth(1).inner_text().startswith("2\tSurgeon")
    assert page.locator('[data-testid="gap"]').count() == 3
    assert page.locator('[data-testid="gaps"]').inner_text() == "3"
    assert page.locator('[data-testid="strength"]').inner_text() == "0 / 3 / 3"

    page.click('[data-testid="position-filter"] a:has-text("Gaps")')
    page.wait_for_url("**?show=gaps")
    assert page.locator('[data-testid="positions"] tbody tr.bb-gap').count() == 3
