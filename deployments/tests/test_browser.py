"""The main path through the real pages, in Chromium."""

import datetime

import pytest
from playwright.sync_api import expect

from deployments.models import Authority, State


@pytest.mark.browser
def test_an_approver_records_the_approval_decision_on_a_trained_deployment(
    page, sign_in, approver, nominated, advance
):
    advance(nominated, State.TRAINED)
    sign_in(approver)
    page.goto(f"/deployments/{nominated.pk}/")
    approval = page.locator('form[data-step="approved"]')
    approval.get_by_label("Deciding authority").select_option(Authority.PRESIDENT)
    approval.get_by_label("Decision date").fill("2022-03-15")
    approval.get_by_role("button", name="Record the approval").click()

    # Refused without the decision's number: said on the field, the rest kept as typed.
    approval = page.locator('form[data-step="approved"]')
    expect(approval.locator('[data-field="decision_number"]')).to_have_text(
        "Give the decision's number."
    )
    expect(page.get_by_test_id("state")).to_have_text("Trained")
    expect(approval.get_by_label("Decision date")).to_have_value("2022-03-15")

    approval.get_by_label("Decision number").fill("1234/QĐ-CTN")
    approval.get_by_label("Note").fill("Handed over at the ceremony")
    approval.get_by_role("button", name="Record the approval").click()

    expect(page.get_by_test_id("state")).to_have_text("Approved")
    expect(page.get_by_role("alert")).to_contain_text("is now approved")
    decision = page.locator('[data-testid="timeline"] tr[data-to="approved"]')
    expect(decision).to_contain_text("President")
    expect(decision).to_contain_text("1234/QĐ-CTN")
    expect(decision).to_contain_text("2022-03-15")
    expect(decision).to_contain_text("approver")
    expect(page.locator('form[data-step="deployed"]')).to_be_visible()

    nominated.refresh_from_db()
    step = nominated.transitions.last()
    assert nominated.state == State.APPROVED
    assert (step.by, step.decision_number, step.decision_date) == (
        approver,
        "1234/QĐ-CTN",
        datetime.date(2022, 3, 15),
    )
