"""The issue's main path, in Chromium: a planner forms Field Hospital Rotation 4.

The planner opens "Level-2 Field Hospital Rotation 4", reads its positions, strength and
women's share, nominates a person into a gap, takes the deployment through every step to
"deployed" and then finds it on the person's page and in the audit history. In a small
department the same staff officer often plans and records the decisions, so the user here
holds both the Planner and the Approver roles.
"""

import datetime

import pytest
from playwright.sync_api import expect

from core import roles, testing
from deployments import workflow
from deployments.models import Authority, Deployment, State
from planning.testing import make_ready


@pytest.fixture
def rotation_4(mod):
    kind = testing.unit_type(positions=0, name="Level-2 Field Hospital")
    kind.positions.create(order=1, role="Hospital director", count=1)
    kind.positions.create(order=2, role="Surgeon", count=2)
    kind.positions.create(order=3, role="Nurse", count=1)
    rotation = testing.rotation(
        mod["hospital"],
        number=4,
        unit_type=kind,
        planned_departure=datetime.date(2022, 4, 27),
        planned_return=datetime.date(2023, 7, 9),
        target_strength=4,
        target_women_share=25,
    )
    director = testing.person(mod["hospital"], "Trần Văn Hải", rank=testing.rank())
    nurse = testing.person(mod["hospital"], "Lê Thị Lan", sex="F", rank=testing.rank())
    someone = testing.user("earlier-planner", roles.PLANNER, mod["department"])
    workflow.nominate(director, rotation.positions.get(number=1), by=someone)
    workflow.nominate(nurse, rotation.positions.get(number=4), by=someone)
    return rotation


@pytest.fixture
def planner_and_approver(mod):
    user = testing.user("hoa.planner", roles.PLANNER, mod["department"])
    testing.grant(user, roles.APPROVER, mod["department"])
    return user


def step(page, state, **fields):
    form = page.locator(f'form[data-step="{state}"]')
    for label, value in fields.items():
        control = form.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("state")).to_have_text(str(dict(State.choices)[state]))


@pytest.mark.browser
def test_a_planner_forms_rotation_4_and_deploys_a_nominee(
    page, sign_in, mod, rotation_4, planner_and_approver
):
    surgeon = testing.person(
        mod["hospital"], "Phạm Thị Thu", sex="F", rank=testing.rank(), service_number="VN-2210"
    )
    # Her passport, medical, screenings and core training meet the readiness requirements
    # that screening, training and approval check (planning.readiness).
    make_ready(surgeon, until=rotation_4.ends_on)
    sign_in(planner_and_approver)

    page.goto("/units/rotations/")
    page.get_by_role("link", name="Level-2 Field Hospital Rotation 4").click()
    expect(page.locator("h1")).to_contain_text("Level-2 Field Hospital Rotation 4")
    expect(page.locator('[data-testid="positions"] tbody tr')).to_have_count(4)
    expect(page.get_by_test_id("strength")).to_have_text("2 / 4 / 4")
    expect(page.get_by_test_id("women")).to_contain_text("1 (50.0%)")

    # Nominate the surgeon into the first gap (position 2).
    gap = page.locator('[data-testid="positions"] tbody tr[data-position="2"]')
    gap.get_by_role("link", name="Nominate").click()
    page.fill("#candidate-search", "pham thi thu")
    # The search narrows the candidates as the planner types; only she is left.
    candidates = page.locator('[data-testid="candidates"] tbody tr')
    expect(candidates).to_have_count(1)
    expect(candidates).to_contain_text("Phạm Thị Thu")
    candidates.get_by_role("button", name="Nominate").click()

    expect(page.get_by_role("alert")).to_contain_text("Phạm Thị Thu is nominated")
    expect(page.get_by_test_id("strength")).to_have_text("3 / 4 / 4")
    expect(page.get_by_test_id("women")).to_contain_text("2 (66.7%)")
    row = page.locator('[data-testid="positions"] tbody tr[data-position="2"]')
    expect(row).to_contain_text("Phạm Thị Thu")
    expect(row).to_contain_text("Nominated")

    deployment = Deployment.objects.get(person=surgeon)
    page.goto(f"/deployments/{deployment.pk}/")
    step(page, State.SCREENED, Note="Human rights screening cleared")
    step(page, State.TRAINED)
    step(
        page,
        State.APPROVED,
        **{
            "Deciding authority": Authority.PRESIDENT,
            "Decision number": "1234/QĐ-CTN",
            "Decision date": "2022-04-10",
        },
    )
    step(page, State.DEPLOYED, **{"Arrived on": "2022-04-28"})

    # The person's page shows the deployment; its history shows who moved it.
    page.goto(surgeon.get_absolute_url())
    history_row = page.locator("tr", has_text="Level-2 Field Hospital Rotation 4")
    expect(history_row).to_contain_text("Deployed")
    page.goto(f"/deployments/{deployment.pk}/history/")
    table = page.get_by_test_id("history")
    expect(table).to_contain_text("hoa.planner")
    expect(table).to_contain_text("Approved")
    expect(table).to_contain_text("Deployed")

    deployment.refresh_from_db()
    assert deployment.state == State.DEPLOYED
    assert deployment.arrived_on == datetime.date(2022, 4, 28)
    assert [t.to_state for t in deployment.transitions.all()] == [
        "nominated",
        "screened",
        "trained",
        "approved",
        "deployed",
    ]
    assert all(t.by == planner_and_approver for t in deployment.transitions.all()[1:])
