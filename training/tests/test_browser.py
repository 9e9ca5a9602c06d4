"""The training officer's main path through the real pages, in Chromium."""

import pytest
from playwright.sync_api import expect

from core import testing
from training.models import Enrolment
from training.tests.builders import trainees


@pytest.mark.browser
def test_a_training_officer_records_a_runs_results_in_the_grid(
    page, sign_in, mod, run, training_officer
):
    trainees(run, mod["hospital"], 2)
    testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F", service_number="175-0420")
    sign_in(training_officer)

    page.goto("/training/runs/")
    page.get_by_role("link", name="UN-CPTM").click()
    expect(page.locator("h1")).to_contain_text("UN Core Pre-deployment Training Materials")
    expect(page.get_by_test_id("places")).to_have_text("2 / 30")

    # A third trainee, found without typing the diacritics.
    page.get_by_label("One of our people").fill("nguyen huong")
    candidate = page.locator('[data-testid="candidates"] tr', has_text="Nguyễn Thị Hương")
    candidate.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("Nguyễn Thị Hương is on the run.")
    expect(page.get_by_test_id("places")).to_have_text("3 / 30")

    grid = page.get_by_test_id("results")
    rows = grid.locator("tbody tr")
    expect(rows).to_have_count(3)
    rows.nth(0).get_by_label("Score").fill("45")
    rows.nth(1).get_by_label("Score").fill("72")
    huong = grid.locator("tr", has_text="Nguyễn Thị Hương")
    huong.get_by_label("Score").fill("91")
    huong.get_by_label("Certificate number").fill("UN-CPTM-2025-001")
    huong.get_by_label("Certificate issued on").fill("2025-03-14")
    page.get_by_role("button", name="Save results").click()

    expect(page.get_by_role("alert")).to_contain_text("3 trainees updated.")
    expect(rows.nth(0).get_by_test_id("result")).to_have_text("Failed")
    expect(rows.nth(1).get_by_test_id("result")).to_have_text("Passed")
    expect(huong.get_by_test_id("result")).to_have_text("Passed")
    expect(huong.get_by_test_id("expiry")).to_have_text("2028-03-13")
    expect(page.get_by_test_id("passed-count")).to_have_text("2")

    # The second who passed gets the next number, issued on the run's last day.
    page.get_by_test_id("issue-certificates").click()
    expect(page.get_by_role("alert")).to_contain_text("1 certificate issued.")
    expect(rows.nth(1).get_by_label("Certificate number")).to_have_value("UN-CPTM-2025-002")
    expect(rows.nth(1).get_by_test_id("expiry")).to_have_text("2028-03-13")
    expect(rows.nth(0).get_by_label("Certificate number")).to_have_value("")
    assert Enrolment.objects.filter(passed=True).count() == 2


@pytest.mark.browser
def test_a_bad_score_in_the_grid_is_shown_on_its_row_and_nothing_is_saved(
    page, sign_in, mod, run, training_officer
):
    trainees(run, mod["hospital"], 2)
    sign_in(training_officer)
    page.goto(run.get_absolute_url())
    rows = page.get_by_test_id("results").locator("tbody tr")
    rows.nth(0).get_by_label("Score").fill("80")
    rows.nth(1).get_by_label("Score").fill("180")
    page.get_by_role("button", name="Save results").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(rows.nth(1).locator('[data-field="score"]')).to_have_text(
        "Ensure this value is less than or equal to 100."
    )
    expect(rows.nth(1).get_by_label("Score")).to_have_value("180")
    assert not Enrolment.objects.filter(score__isnull=False).exists()
