"""The planner in Chromium: from the rotation, run it (a background job, followed on its page),
lock a person, re-run, accept; the nominations appear on the rotation page.
"""

import datetime

import pytest
from playwright.sync_api import expect

from planning.models import Requirement
from planning.planner.testing import candidate, table_rotation


@pytest.mark.browser
def test_a_planner_runs_locks_reruns_and_accepts_a_plan(
    page, sign_in, planner, mod, no_requirements
):
    Requirement.objects.create(kind="medical", source="UN Medical Support Manual")
    unit = mod["hospital"]
    rotation = table_rotation(unit, [("Duty officer", 2, None, None, None, None)], number=8)
    candidate(unit, "Cao Văn Lâm", service_start=datetime.date(2001, 1, 1))
    candidate(unit, "Đỗ Thị Hoa", sex="F", service_start=datetime.date(2008, 1, 1))
    candidate(unit, "Vũ Minh Khang", service_start=datetime.date(2021, 1, 1))
    sign_in(planner)

    page.goto(rotation.get_absolute_url())
    page.get_by_test_id("plan-link").click()
    page.get_by_test_id("run").click()
    expect(page.get_by_test_id("job-result")).to_contain_text("Planned: 2 of 2")
    page.get_by_test_id("job-open").click()

    proposal = page.get_by_test_id("proposal")
    expect(proposal.locator('tr[data-status="proposed"]')).to_have_count(2)
    expect(page.get_by_test_id("optimality")).to_have_text("proven optimal")
    # Swap the second position for the junior officer, lock the first, and run again.
    second = proposal.locator('tr[data-position="2"]')
    swap = second.get_by_test_id("swap")
    swap.select_option(swap.locator("option", has_text="Vũ Minh Khang").get_attribute("value"))
    proposal.locator('tr[data-position="1"]').get_by_test_id("lock").check()
    page.get_by_test_id("rerun").click()
    page.get_by_test_id("job-open").click()

    expect(proposal.locator('tr[data-status="locked"]')).to_have_count(2)
    expect(proposal.locator('tr[data-position="2"]')).to_contain_text("Vũ Minh Khang")
    expect(proposal.locator('tr[data-position="1"]')).to_contain_text("Cao Văn Lâm")
    page.get_by_test_id("accept").click()

    expect(page.get_by_text("2 people nominated from the plan.")).to_be_visible()
    positions = page.get_by_test_id("positions")
    expect(positions.locator('tr[data-position="1"]')).to_contain_text("Cao Văn Lâm")
    expect(positions.locator('tr[data-position="2"]')).to_contain_text("Vũ Minh Khang")
    expect(positions.locator(".state-nominated")).to_have_count(2)
