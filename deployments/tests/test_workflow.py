"""Every rule of deployments.workflow, and that a refusal leaves the database as it was."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from core import testing
from deployments import workflow
from deployments.models import Authority, Deployment, State, Transition
from deployments.tests.conftest import DEPARTS, RETURNS
from deployments.workflow import WorkflowError

DAY = datetime.timedelta(days=1)


def snapshot():
    """Everything a refused step must leave untouched."""
    return (
        list(
            Deployment.objects.order_by("pk").values_list(
                "pk",
                "person_id",
                "position_id",
                "state",
                "starts_on",
                "ends_on",
                "arrived_on",
                "returned_on",
                "withdrawal_reason",
            )
        ),
        Transition.objects.count(),
        Deployment.history.count(),
    )


def refused(call, *args, **kwargs):
    """Run a workflow call that must be refused; return its messages by field."""
    before = snapshot()
    with pytest.raises(WorkflowError) as caught:
        call(*args, **kwargs)
    assert snapshot() == before
    return caught.value.message_dict


def second_rotation(mod, **dates):
    return testing.rotation(mod["hospital"], number=5, target_strength=3, **dates)


# --- nomination ------------------------------------------------------------------------------


def test_it_nominates_for_the_rotations_period_and_records_who_and_why(rotation, surgeon, planner):
    position = rotation.positions.first()

    deployment = workflow.nominate(surgeon, position, by=planner, note="Best surgeon available")

    assert deployment.state == State.NOMINATED
    assert (deployment.starts_on, deployment.ends_on) == (DEPARTS, RETURNS)
    step = deployment.transitions.get()
    assert (step.from_state, step.to_state) == ("", State.NOMINATED)
    assert step.by == planner
    assert step.note == "Best surgeon available"
    assert deployment.history.get().history_user == planner
    assert step.history.get().history_user == planner


def test_it_nominates_for_part_of_the_rotation(rotation, surgeon, planner):
    deployment = workflow.nominate(
        surgeon,
        rotation.positions.first(),
        by=planner,
        starts_on=datetime.date(2022, 10, 1),
        ends_on=datetime.date(2023, 1, 31),
    )
    assert (deployment.starts_on, deployment.ends_on) == (
        datetime.date(2022, 10, 1),
        datetime.date(2023, 1, 31),
    )


def test_it_refuses_to_fill_a_position_twice(rotation, surgeon, planner, mod):
    position = rotation.positions.first()
    workflow.nominate(surgeon, position, by=planner)
    other = testing.person(mod["hospital"], "Trần Văn Bình")

    errors = refused(workflow.nominate, other, position, by=planner)

    assert "already filled by Nguyễn Thị Hương" in errors["position"][0]


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "text"),
    [
        (DEPARTS - DAY, RETURNS, "starts_on", "before the rotation departs"),
        (DEPARTS, RETURNS + DAY, "ends_on", "after the rotation returns"),
        (datetime.date(2023, 1, 2), datetime.date(2023, 1, 1), "ends_on", "ends before it starts"),
    ],
)
def test_it_refuses_a_deployment_outside_its_rotations_dates(
    rotation, surgeon, planner, starts_on, ends_on, field, text
):
    errors = refused(
        workflow.nominate,
        surgeon,
        rotation.positions.first(),
        by=planner,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    assert text in " ".join(errors[field])


def test_it_follows_the_rotations_actual_dates_once_known(mod, surgeon, planner):
    late = testing.rotation(mod["hospital"], number=4, actual_departure=datetime.date(2022, 5, 10))
    errors = refused(
        workflow.nominate, surgeon, late.positions.first(), by=planner, starts_on=DEPARTS
    )
    assert "2022-05-10" in errors["starts_on"][0]


def test_a_deployment_ending_the_day_another_starts_overlaps_it(rotation, surgeon, planner, mod):
    workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    following = second_rotation(
        mod, planned_departure=RETURNS, planned_return=datetime.date(2024, 7, 1)
    )

    errors = refused(workflow.nominate, surgeon, following.positions.first(), by=planner)

    assert "already in Level-2 Field Hospital Rotation 4" in errors["person"][0]


def test_a_deployment_starting_the_day_after_another_ends_is_accepted(
    rotation, surgeon, planner, mod
):
    workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    following = second_rotation(
        mod, planned_departure=RETURNS + DAY, planned_return=datetime.date(2024, 7, 1)
    )

    deployment = workflow.nominate(surgeon, following.positions.first(), by=planner)

    assert deployment.starts_on == RETURNS + DAY
    assert surgeon.deployments.count() == 2


def test_a_withdrawn_deployment_frees_the_position_and_the_persons_time(
    rotation, surgeon, planner, mod
):
    position = rotation.positions.first()
    first = workflow.nominate(surgeon, position, by=planner)
    workflow.transition(first, State.WITHDRAWN, by=planner, reason="Failed the medical")
    same_time = second_rotation(mod)

    colleague = workflow.nominate(
        testing.person(mod["hospital"], "Lê Văn Cường"), position, by=planner
    )
    elsewhere = workflow.nominate(surgeon, same_time.positions.first(), by=planner)

    assert colleague.position == position
    assert elsewhere.person == surgeon


def test_an_early_return_frees_the_persons_time_after_it(rotation, surgeon, planner, mod, advance):
    first = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.DEPLOYED
    )
    workflow.transition(first, State.REPATRIATED, by=planner, on_date=datetime.date(2022, 12, 31))
    later = second_rotation(mod)

    refused(
        workflow.nominate,
        surgeon,
        later.positions.first(),
        by=planner,
        starts_on=datetime.date(2022, 12, 31),
    )
    accepted = workflow.nominate(
        surgeon, later.positions.first(), by=planner, starts_on=datetime.date(2023, 1, 1)
    )
    assert accepted.starts_on == datetime.date(2023, 1, 1)


# --- transitions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "targets"),
    [
        (State.NOMINATED, [State.SCREENED, State.WITHDRAWN]),
        (State.SCREENED, [State.TRAINED, State.WITHDRAWN]),
        (State.TRAINED, [State.APPROVED, State.WITHDRAWN]),
        (State.APPROVED, [State.DEPLOYED, State.WITHDRAWN]),
        (State.DEPLOYED, [State.REPATRIATED, State.WITHDRAWN]),
        (State.REPATRIATED, []),
        (State.WITHDRAWN, []),
    ],
)
def test_it_offers_the_next_step_and_withdrawal_until_repatriation(state, targets):
    assert workflow.allowed_targets(state) == targets


def test_it_records_each_step_with_who_when_and_a_note(rotation, surgeon, planner):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    before = timezone.now()

    workflow.transition(deployment, State.SCREENED, by=planner, note="Screening board 12/2022")

    assert deployment.state == State.SCREENED
    step = deployment.transitions.last()
    assert (step.from_state, step.to_state) == (State.NOMINATED, State.SCREENED)
    assert step.by == planner
    assert step.note == "Screening board 12/2022"
    assert step.at >= before
    assert deployment.history.first().history_user == planner
    assert deployment.history.first().state == State.SCREENED


@pytest.mark.parametrize("target", [State.APPROVED, State.DEPLOYED, State.NOMINATED, "lost"])
def test_it_refuses_to_skip_a_step(rotation, surgeon, planner, approver, target):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)

    errors = refused(
        workflow.transition,
        deployment,
        target,
        by=approver,
        authority=Authority.PRESIDENT,
        decision_number="1",
        decision_date=datetime.date(2022, 3, 1),
        on_date=DEPARTS,
    )

    assert "cannot go from Nominated to" in errors["to_state"][0]
    assert deployment.state == State.NOMINATED


@pytest.mark.parametrize("final", [State.REPATRIATED, State.WITHDRAWN])
def test_nothing_follows_repatriation_or_withdrawal(rotation, surgeon, planner, advance, final):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    if final == State.WITHDRAWN:
        workflow.transition(deployment, State.WITHDRAWN, by=planner, reason="Injured")
    else:
        advance(deployment, State.REPATRIATED)

    refused(workflow.transition, deployment, State.WITHDRAWN, by=planner, reason="Late")
    refused(workflow.transition, deployment, State.SCREENED, by=planner)


def test_an_approval_records_the_deciding_authority_number_and_date(
    rotation, surgeon, planner, approver, advance
):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.TRAINED
    )

    workflow.transition(
        deployment,
        State.APPROVED,
        by=approver,
        authority=Authority.PRESIDENT,
        decision_number=" 1234/QĐ-CTN ",
        decision_date=datetime.date(2022, 3, 15),
        note="Handed over at the ceremony",
    )

    step = deployment.transitions.last()
    assert deployment.state == State.APPROVED
    assert step.by == approver
    assert step.authority == Authority.PRESIDENT
    assert step.decision_number == "1234/QĐ-CTN"
    assert step.decision_date == datetime.date(2022, 3, 15)
    assert step.note == "Handed over at the ceremony"
    assert deployment.history.first().history_user == approver


def test_only_an_approver_may_record_the_approval(rotation, surgeon, planner, advance):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.TRAINED
    )

    errors = refused(
        workflow.transition,
        deployment,
        State.APPROVED,
        by=planner,
        authority=Authority.PRESIDENT,
        decision_number="1234/QĐ-CTN",
        decision_date=datetime.date(2022, 3, 15),
    )

    assert errors["to_state"] == ["Only an approver may record the approval decision."]
    assert deployment.state == State.TRAINED


def test_an_approval_needs_authority_number_and_a_past_date(
    rotation, surgeon, planner, approver, advance
):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.TRAINED
    )

    missing = refused(
        workflow.transition, deployment, State.APPROVED, by=approver, decision_number="  "
    )
    future = refused(
        workflow.transition,
        deployment,
        State.APPROVED,
        by=approver,
        authority="king",
        decision_number="7",
        decision_date=timezone.localdate() + DAY,
    )

    assert missing == {
        "authority": ["Name the deciding authority."],
        "decision_number": ["Give the decision's number."],
        "decision_date": ["Give the decision's date."],
    }
    assert future == {
        "authority": ["Name the deciding authority."],
        "decision_date": ["A decision cannot be dated in the future."],
    }


def test_a_withdrawal_needs_a_reason_and_keeps_it(rotation, surgeon, planner, advance):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.APPROVED
    )

    errors = refused(workflow.transition, deployment, State.WITHDRAWN, by=planner, reason=" ")
    workflow.transition(deployment, State.WITHDRAWN, by=planner, reason="Family emergency")

    assert errors == {"reason": ["Say why the deployment is withdrawn."]}
    assert deployment.state == State.WITHDRAWN
    assert deployment.withdrawal_reason == "Family emergency"
    assert deployment.transitions.last().note == "Family emergency"


def test_deployment_and_repatriation_record_the_arrival_and_return_days(
    rotation, surgeon, planner, advance
):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.APPROVED
    )

    workflow.transition(deployment, State.DEPLOYED, by=planner, on_date=datetime.date(2022, 4, 28))
    workflow.transition(
        deployment, State.REPATRIATED, by=planner, on_date=datetime.date(2023, 7, 8)
    )

    assert deployment.arrived_on == datetime.date(2022, 4, 28)
    assert deployment.returned_on == datetime.date(2023, 7, 8)
    assert deployment.effective_end == datetime.date(2023, 7, 8)


def test_it_refuses_an_arrival_outside_the_deployment_or_in_the_future(
    rotation, surgeon, planner, advance
):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.APPROVED
    )

    early = refused(
        workflow.transition, deployment, State.DEPLOYED, by=planner, on_date=DEPARTS - DAY
    )
    late = refused(
        workflow.transition, deployment, State.DEPLOYED, by=planner, on_date=RETURNS + DAY
    )
    future = refused(
        workflow.transition,
        deployment,
        State.DEPLOYED,
        by=planner,
        on_date=timezone.localdate() + DAY,
    )

    assert "before the deployment starts" in early["on_date"][0]
    assert "after the deployment ends" in late["on_date"][0]
    assert "An arrival cannot be recorded before it happens." in future["on_date"]


def test_it_refuses_a_return_before_the_arrival(rotation, surgeon, planner, advance):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.APPROVED
    )
    workflow.transition(deployment, State.DEPLOYED, by=planner, on_date=datetime.date(2022, 5, 2))

    errors = refused(
        workflow.transition,
        deployment,
        State.REPATRIATED,
        by=planner,
        on_date=datetime.date(2022, 5, 1),
    )

    assert "before the arrival on 2022-05-02" in errors["on_date"][0]


# --- rescheduling ----------------------------------------------------------------------------


def test_it_reschedules_within_the_rotation(rotation, surgeon, planner):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)

    workflow.reschedule(
        deployment, datetime.date(2022, 6, 1), datetime.date(2023, 1, 31), by=planner
    )

    assert (deployment.starts_on, deployment.ends_on) == (
        datetime.date(2022, 6, 1),
        datetime.date(2023, 1, 31),
    )
    assert deployment.history.first().history_user == planner


def test_a_reschedule_does_not_overlap_the_deployment_with_itself(rotation, surgeon, planner):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    workflow.reschedule(deployment, DEPARTS + DAY, RETURNS, by=planner)
    assert deployment.starts_on == DEPARTS + DAY


def test_it_refuses_a_reschedule_into_another_deployment(rotation, surgeon, planner, mod):
    following = second_rotation(
        mod, planned_departure=datetime.date(2023, 8, 1), planned_return=datetime.date(2024, 8, 1)
    )
    workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    later = workflow.nominate(surgeon, following.positions.first(), by=planner)
    assert later.state == State.NOMINATED

    first = surgeon.deployments.get(position__rotation=rotation)
    errors = refused(
        workflow.reschedule, later, datetime.date(2023, 7, 9), datetime.date(2024, 8, 1), planner
    )
    outside = refused(workflow.reschedule, first, DEPARTS, RETURNS + DAY, planner)

    assert "already in Level-2 Field Hospital Rotation 4" in errors["person"][0]
    assert "after the rotation returns" in outside["ends_on"][0]


def test_it_keeps_the_arrival_inside_a_rescheduled_period(rotation, surgeon, planner, advance):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.DEPLOYED
    )

    errors = refused(workflow.reschedule, deployment, DEPARTS + DAY, RETURNS, planner)

    assert "arrived in the mission on 2022-04-27" in errors["starts_on"][0]


def test_it_refuses_to_reschedule_a_finished_deployment(rotation, surgeon, planner):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    workflow.transition(deployment, State.WITHDRAWN, by=planner, reason="Ill")

    errors = refused(workflow.reschedule, deployment, DEPARTS, RETURNS - DAY, planner)

    assert "part of the record" in errors[NON_FIELD_ERRORS][0]


# --- deletion --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.NOMINATED, State.WITHDRAWN])
def test_an_administrator_deletes_a_mistaken_or_withdrawn_nomination(
    rotation, surgeon, planner, administrator, state
):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    if state == State.WITHDRAWN:
        workflow.transition(deployment, State.WITHDRAWN, by=planner, reason="Duplicate")

    workflow.delete(deployment, by=administrator)

    assert not Deployment.objects.exists()
    assert not Transition.objects.exists()
    assert Deployment.history.first().history_type == "-"
    assert Deployment.history.first().history_user == administrator


def test_it_refuses_to_delete_a_deployment_past_nomination(
    rotation, surgeon, planner, administrator, advance
):
    deployment = advance(
        workflow.nominate(surgeon, rotation.positions.first(), by=planner), State.SCREENED
    )
    errors = refused(workflow.delete, deployment, by=administrator)
    assert "cannot be deleted" in errors[NON_FIELD_ERRORS][0]


def test_only_an_administrator_may_delete(rotation, surgeon, planner):
    deployment = workflow.nominate(surgeon, rotation.positions.first(), by=planner)
    errors = refused(workflow.delete, deployment, by=planner)
    assert errors[NON_FIELD_ERRORS] == ["Only an administrator may delete."]
