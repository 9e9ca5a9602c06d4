"""The rotation's readiness in Chromium: from the rotation to the counted blocking reasons, then
to one holder's reasons in plain words.
"""

import datetime

import pytest
from playwright.sync_api import expect

from core import testing
from deployments import workflow
from people.models import MedicalClearance
from planning.models import Requirement
from planning.testing import make_ready
from planning.tests.conftest import DEPARTS, RETURNS


@pytest.mark.browser
def test_a_planner_reads_what_keeps_a_rotation_from_being_ready(
    page, sign_in, planner, mod, no_requirements
):
    Requirement.objects.create(kind="medical", source="UN Medical Support Manual")
    Requirement.objects.create(kind="passport", margin_months=6, source="UN travel")
    hospital = testing.unit_type("l2-hospital-b", positions=4, name="Level-2 Field Hospital")
    rotation = testing.rotation(
        mod["hospital"],
        number=7,
        unit_type=hospital,
        planned_departure=DEPARTS,
        planned_return=RETURNS,
        target_strength=4,
    )
    positions = list(rotation.positions.order_by("number"))
    ready = make_ready(testing.person(mod["hospital"], "Sẵn Sàng"), RETURNS)
    workflow.nominate(ready, positions[0], by=planner)
    for index, position in enumerate(positions[1:3]):
        person = testing.person(mod["hospital"], f"Chưa Khám {index}")
        MedicalClearance.objects.create(
            person=person,
            examined_on=datetime.date(2025, 9, 1),
            result="fit",
            valid_until=datetime.date(2026, 8, 31),
        )
        workflow.nominate(person, position, by=planner)
    sign_in(planner)

    page.goto(rotation.get_absolute_url())
    page.get_by_test_id("readiness-link").click()

    expect(page.get_by_test_id("ready-count")).to_contain_text("1 (25.0%)")
    expect(page.get_by_test_id("level")).to_have_text("Level 1 indicator")
    counted = page.get_by_test_id("counted-reasons")
    expect(counted.locator('[data-key="medical"]')).to_contain_text("2 people need a medical check")
    expect(counted.locator('[data-key="passport"]')).to_contain_text(
        "2 people need a passport valid long enough"
    )
    expect(page.locator('tr[data-status="gap"]')).to_have_count(1)

    # One holder's own reasons, against the same position and period.
    page.get_by_role("link", name="Chưa Khám 0").click()
    expect(page.get_by_test_id("verdict")).to_contain_text(
        "Medical clearance ends 2026-08-31, before the deployment ends on 2026-09-30"
    )
    expect(page.get_by_test_id("verdict")).to_contain_text("No passport")
