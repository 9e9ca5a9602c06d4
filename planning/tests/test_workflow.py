"""The decision process uses readiness: screening, training and approval need their
requirements met for the deployment's whole period; an approver may waive, with a reason.
"""

import datetime

import pytest

from core import testing
from deployments import workflow
from deployments.models import Authority, Deployment, State, Transition
from people.models import MedicalClearance, Passport, Screening
from planning.models import Requirement, Waiver
from planning.testing import certificate, cptm_course
from planning.tests.conftest import RETURNS

pytestmark = pytest.mark.usefixtures("no_requirements")

DECISION = {
    "authority": Authority.PRESIDENT,
    "decision_number": "1234/QĐ-CTN",
    "decision_date": datetime.date(2026, 3, 1),
}


@pytest.fixture
def rules():
    course = cptm_course()
    return {
        "screening": Requirement.objects.create(
            kind="screening", screening_kind="human_rights", source="UN policy"
        ),
        "course": Requirement.objects.create(kind="course", course=course, source="CPTM"),
        "passport": Requirement.objects.create(kind="passport", margin_months=6, source="UN"),
    }


@pytest.fixture
def deployment(position, officer, planner):
    return workflow.nominate(officer, position, by=planner)


def cleared(person):
    Screening.objects.create(
        person=person,
        kind="human_rights",
        status="cleared",
        screened_on=datetime.date(2025, 11, 1),
        screened_by="Board",
    )


def trained(person):
    certificate(person, cptm_course(), datetime.date(2025, 12, 1))


def snapshot():
    return (
        list(Deployment.objects.values_list("pk", "state")),
        Transition.objects.count(),
        Waiver.objects.count(),
        Deployment.history.count(),
    )


def refused(*args, **kwargs):
    before = snapshot()
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.transition(*args, **kwargs)
    assert snapshot() == before
    return caught.value.message_dict


def test_screening_is_refused_until_the_screening_requirements_are_met(rules, deployment, planner):
    errors = refused(deployment, State.SCREENED, by=planner)

    assert errors["requirements"] == [
        "Lê Thị Mai does not meet these requirements for 2026-04-01 – 2026-09-30:",
        "No human rights screening.",
    ]
    cleared(deployment.person)
    workflow.transition(deployment, State.SCREENED, by=planner)  # a passport is not asked yet
    assert deployment.state == State.SCREENED


def test_training_is_refused_without_the_course_certificate(rules, deployment, planner):
    cleared(deployment.person)
    workflow.transition(deployment, State.SCREENED, by=planner)

    errors = refused(deployment, State.TRAINED, by=planner)

    title = cptm_course().title
    assert f"No valid {title} certificate." in errors["requirements"]
    trained(deployment.person)
    workflow.transition(deployment, State.TRAINED, by=planner)
    assert deployment.state == State.TRAINED


@pytest.fixture
def trained_deployment(rules, deployment, planner):
    cleared(deployment.person)
    trained(deployment.person)
    workflow.transition(deployment, State.SCREENED, by=planner)
    workflow.transition(deployment, State.TRAINED, by=planner)
    return deployment


def test_approval_needs_every_requirement_for_the_whole_period(trained_deployment, approver):
    Passport.objects.create(
        person=trained_deployment.person, number="C1234567", expires_on=datetime.date(2027, 3, 1)
    )

    errors = refused(trained_deployment, State.APPROVED, by=approver, **DECISION)

    assert errors["requirements"][1:] == [
        "Passport expires 2027-03-01, four weeks before the required 2027-03-30.",
        "An approver may still approve by waiving them, with a reason.",
    ]


def test_a_waiver_needs_a_reason(trained_deployment, approver):
    errors = refused(
        trained_deployment, State.APPROVED, by=approver, waive=True, waiver_reason=" ", **DECISION
    )
    assert errors == {"waiver_reason": ["Say why the unmet requirements are waived."]}


def test_an_approver_approves_with_a_waiver_that_records_what_was_unmet(
    trained_deployment, approver
):
    workflow.transition(
        trained_deployment,
        State.APPROVED,
        by=approver,
        waive=True,
        waiver_reason="New passport issued at the embassy in Juba on arrival",
        **DECISION,
    )

    assert trained_deployment.state == State.APPROVED
    waiver = Waiver.objects.get()
    assert waiver.deployment == trained_deployment
    assert waiver.transition == trained_deployment.transitions.last()
    assert waiver.by == approver
    assert waiver.reason == "New passport issued at the embassy in Juba on arrival"
    assert waiver.unmet_lines == ["no passport"]
    assert waiver.history.get().history_user == approver


def test_no_waiver_is_recorded_when_nothing_is_unmet(trained_deployment, approver):
    Passport.objects.create(
        person=trained_deployment.person, number="C1234567", expires_on=datetime.date(2030, 1, 1)
    )
    workflow.transition(
        trained_deployment, State.APPROVED, by=approver, waive=True, waiver_reason="x", **DECISION
    )
    assert trained_deployment.state == State.APPROVED
    assert not Waiver.objects.exists()


def test_readiness_is_judged_on_the_deployments_own_period(rotation, officer, planner, approver):
    Requirement.objects.create(kind="medical", source="UN")
    MedicalClearance.objects.create(
        person=officer,
        examined_on=datetime.date(2026, 1, 5),
        result="fit",
        valid_until=datetime.date(2026, 7, 31),
    )
    short = workflow.nominate(
        officer,
        rotation.positions.first(),
        by=planner,
        ends_on=datetime.date(2026, 7, 31),
    )
    workflow.transition(short, State.SCREENED, by=planner)
    workflow.transition(short, State.TRAINED, by=planner)

    workflow.transition(short, State.APPROVED, by=approver, **DECISION)

    assert short.state == State.APPROVED
    assert RETURNS > short.ends_on


# --- through the deployment's page ------------------------------------------------------------


def post(client, deployment, to_state, **fields):
    data = {"to_state": to_state}
    data.update({f"{to_state}-{name}": value for name, value in fields.items()})
    return client.post(deployment.get_absolute_url(), data)


def test_the_page_lists_the_unmet_requirements_of_a_refused_step(
    client, rules, deployment, planner
):
    client.force_login(planner)

    response = post(client, deployment, State.SCREENED, note="Board 3/2026")

    text = response.content.decode()
    assert response.status_code == 200
    assert "does not meet these requirements for 2026-04-01 – 2026-09-30:" in text
    assert "No human rights screening." in text
    deployment.refresh_from_db()
    assert deployment.state == State.NOMINATED


def test_an_approver_waives_through_the_approval_form_and_the_timeline_shows_it(
    client, trained_deployment, approver
):
    client.force_login(approver)
    form = client.get(trained_deployment.get_absolute_url()).content.decode()
    assert "Waive unmet requirements" in form and "Reason for the waiver" in form

    response = post(
        client,
        trained_deployment,
        State.APPROVED,
        authority=Authority.PRESIDENT,
        decision_number="77/QĐ-CTN",
        decision_date="2026-03-01",
        waive="on",
        waiver_reason="Passport renewal under way",
    )

    assert response.status_code == 302
    text = client.get(trained_deployment.get_absolute_url()).content.decode()
    assert 'data-testid="waiver"' in text
    assert "no passport" in text and "Passport renewal under way" in text


def test_another_ministrys_user_cannot_reach_a_deployment_to_waive(client, trained_deployment, mps):
    outsider = testing.user("mps-approver", "Approver", mps["ministry"])
    client.force_login(outsider)

    response = post(
        client, trained_deployment, State.APPROVED, waive="on", waiver_reason="x", **DECISION
    )

    assert response.status_code == 404
    assert not Waiver.objects.exists()
