"""The planner's pages: who may plan which rotation, a run (a background job) stored and shown,
locks and swaps on re-run, acceptance in one transaction, refusals that change nothing, a
bounded query count.
"""

import datetime

import pytest
from django.core.management import call_command

from core import roles, testing
from core.models import Job, JobState
from deployments.models import Deployment
from planning.models import PlanRun, Requirement
from planning.planner.testing import DEPARTS, RETURNS, candidate, table_rotation

pytestmark = pytest.mark.usefixtures("no_requirements")
DEFAULTS = {
    "rest_months": 12,
    "specialty_required": "on",
    "w_fill": 200,
    "w_specialty": 40,
    "w_language": 5,
    "w_experience": 1,
    "w_rank": 10,
    "w_never_deployed": 30,
    "w_waiting": 5,
    "w_women_shortfall": 1000,
}


@pytest.fixture
def papers(db):
    Requirement.objects.create(kind="medical", source="UN medical manual")
    Requirement.objects.create(kind="passport", margin_months=6, source="UN travel rules")


@pytest.fixture
def rotation(mod, papers):
    unit = mod["hospital"]
    made = table_rotation(unit, [("Officer", 2, None, None, None, None)])
    candidate(unit, "Senior Officer", service_start=datetime.date(2000, 1, 1))
    candidate(unit, "Middle Officer", service_start=datetime.date(2010, 1, 1))
    candidate(unit, "Junior Officer", service_start=datetime.date(2022, 1, 1))
    return made


def plan_url(rotation):
    return f"/planning/rotations/{rotation.pk}/plan/"


def planned(client, url, data):
    """Post the planner's form: the job it starts (run at once in the tests), finished."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url()
    return job


def run_once(client, rotation, **changes):
    job = planned(client, plan_url(rotation), DEFAULTS | changes)
    assert job.state == JobState.DONE, job.message
    return PlanRun.objects.latest("pk"), job.result_url


def test_a_planner_runs_the_planner_and_reads_the_proposal(client, planner, rotation):
    client.force_login(planner)

    run, location = run_once(client, rotation)
    page = client.get(location).content.decode()

    assert location == f"/planning/rotations/{rotation.pk}/plan/{run.pk}/"
    assert "Senior Officer" in page and "Middle Officer" in page
    assert "Junior Officer" in page  # offered as the swap
    assert "proven optimal" in page
    assert not Deployment.objects.exists()


def test_someone_who_may_not_nominate_is_refused(client, viewer, rotation):
    client.force_login(viewer)

    assert client.get(plan_url(rotation)).status_code == 403
    assert client.post(plan_url(rotation), DEFAULTS).status_code == 403


def test_a_rotation_outside_the_planners_organisations_answers_404(client, mps, rotation):
    police_planner = testing.user("police-planner", roles.PLANNER, mps["ministry"])
    client.force_login(police_planner)

    assert client.get(plan_url(rotation)).status_code == 404
    assert client.get("/planning/rotations/999999/plan/").status_code == 404


def test_another_users_run_answers_404(client, planner, mod, rotation):
    client.force_login(planner)
    run, location = run_once(client, rotation)
    colleague = testing.user("colleague", roles.PLANNER, mod["department"])
    client.force_login(colleague)

    assert client.get(location).status_code == 404
    assert client.post(f"{location}accept/").status_code == 404


def test_a_rotation_without_open_positions_is_refused_with_a_message_and_nothing_stored(
    client, planner, mod, papers
):
    empty = testing.rotation(mod["hospital"], number=4, with_positions=False)
    client.force_login(planner)

    job = planned(client, plan_url(empty), DEFAULTS)

    assert job.state == JobState.FAILED
    assert "has no open positions" in client.get(job.get_absolute_url()).content.decode()
    assert not PlanRun.objects.exists()


def test_a_weight_out_of_range_is_refused_on_its_field(client, planner, rotation):
    client.force_login(planner)

    response = client.post(plan_url(rotation), DEFAULTS | {"w_fill": 0, "rest_months": -1})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="w_fill"' in page and 'data-field="rest_months"' in page
    assert not PlanRun.objects.exists()


def test_a_locked_row_stays_and_a_swap_puts_the_chosen_person_in(client, planner, rotation):
    client.force_login(planner)
    run, location = run_once(client, rotation)
    rows = {row["person"]["name"]: row for row in run.proposal["positions"]}
    senior, middle = rows["Senior Officer"], rows["Middle Officer"]
    junior = next(a for a in middle["alternatives"] if a["name"] == "Junior Officer")

    job = planned(
        client,
        location,
        DEFAULTS | {"lock": [senior["position"]], f"swap_{middle['position']}": junior["person"]},
    )

    assert job.state == JobState.DONE
    rerun = PlanRun.objects.latest("pk")
    by_position = {row["position"]: row for row in rerun.proposal["positions"]}
    assert by_position[senior["position"]]["person"]["name"] == "Senior Officer"
    assert by_position[middle["position"]]["person"]["name"] == "Junior Officer"
    assert by_position[middle["position"]]["locked"] is True
    assert rerun.locks == {str(senior["position"]): senior["person"]["person"],
                           str(middle["position"]): junior["person"]}  # fmt: skip
    assert job.result_url == f"/planning/rotations/{rotation.pk}/plan/{rerun.pk}/"
    page = client.get(job.result_url).content.decode()
    assert page.count('data-status="locked"') == 2


def test_a_conflicting_lock_is_refused_with_the_reason_and_no_new_run(
    client, planner, mod, rotation
):
    client.force_login(planner)
    run, location = run_once(client, rotation)
    unready = candidate(mod["hospital"], "Unready Officer", ready=False)
    first, second = (row["position"] for row in run.proposal["positions"])

    twice = planned(
        client, location, DEFAULTS | {f"swap_{first}": unready.pk, f"swap_{second}": unready.pk}
    )
    once = planned(client, location, DEFAULTS | {f"swap_{first}": unready.pk})

    assert twice.state == once.state == JobState.FAILED
    assert "Unready Officer is locked to more than one position" in twice.message
    assert "Unready Officer cannot be locked" in once.message
    assert "no medical clearance" in client.get(once.get_absolute_url()).content.decode()
    assert PlanRun.objects.count() == 1


def test_accepting_nominates_everyone_proposed_audited_in_the_planners_name(
    client, planner, rotation
):
    client.force_login(planner)
    run, location = run_once(client, rotation)

    response = client.post(f"{location}accept/")

    assert response.status_code == 302 and response["Location"] == rotation.get_absolute_url()
    nominated = Deployment.objects.filter(position__rotation=rotation)
    assert sorted(d.person.full_name for d in nominated) == ["Middle Officer", "Senior Officer"]
    assert {d.state for d in nominated} == {"nominated"}
    assert {d.history.earliest().history_user for d in nominated} == {planner}
    run.refresh_from_db()
    assert run.accepted is not None and run.accepted_by == planner
    page = client.get(rotation.get_absolute_url()).content.decode()
    assert "Senior Officer" in page and "2 people nominated from the plan" in page


def test_accepting_refuses_everything_when_one_nomination_fails(client, planner, mod, rotation):
    client.force_login(planner)
    run, location = run_once(client, rotation)
    # Meanwhile, one proposed person is nominated elsewhere for the same period.
    senior = next(r for r in run.proposal["positions"] if r["person"]["name"] == "Senior Officer")
    other = table_rotation(mod["hospital"], [("Elsewhere", 1, None, None, None, None)], number=3)
    Deployment.objects.create(
        person_id=senior["person"]["person"],
        position=other.positions.get(),
        starts_on=DEPARTS,
        ends_on=RETURNS,
    )

    response = client.post(f"{location}accept/", follow=True)

    page = response.content.decode()
    assert "Nothing was nominated" in page
    assert "Senior Officer is now deployed, nominated or resting" in page
    assert not Deployment.objects.filter(position__rotation=rotation).exists()
    run.refresh_from_db()
    assert run.accepted is None


def test_a_plan_is_accepted_once(client, planner, rotation):
    client.force_login(planner)
    run, location = run_once(client, rotation)
    client.post(f"{location}accept/")

    response = client.post(f"{location}accept/", follow=True)

    assert "already been accepted" in response.content.decode()
    assert Deployment.objects.count() == 2


def test_the_run_page_reads_a_fixed_number_of_queries_whatever_its_size(
    client, planner, mod, papers, django_assert_max_num_queries
):
    unit = mod["hospital"]
    big = table_rotation(unit, [("Officer", 30, None, None, None, None)], number=7)
    for n in range(40):
        candidate(unit, f"Officer {n:02d}")
    client.force_login(planner)
    run, location = run_once(client, big)

    with django_assert_max_num_queries(12):
        response = client.get(location)

    assert response.content.decode().count('data-status="proposed"') == 30


def test_rotations_departing_together_are_planned_in_one_run(client, planner, mod, rotation):
    unit = mod["hospital"]
    partner = table_rotation(unit, [("Officer", 1, None, None, None, None)], number=2)
    later = table_rotation(
        unit,
        [("Officer", 1, None, None, None, None)],
        number=3,
        departs=DEPARTS + datetime.timedelta(days=200),
        returns=RETURNS + datetime.timedelta(days=200),
    )
    client.force_login(planner)

    form = client.get(plan_url(rotation)).content.decode()
    run, _location = run_once(client, rotation, also=[partner.pk])

    assert str(partner) in form and str(later) not in form
    assert [r["id"] for r in run.proposal["rotations"]] == [rotation.pk, partner.pk]
    assert sum(1 for row in run.proposal["positions"] if row["person"]) == 3
    assert Job.objects.get().title == f"Plan for {rotation} and 1 more"


def test_a_run_is_a_job_whose_page_tells_the_outcome_and_opens_the_run(client, planner, rotation):
    client.force_login(planner)

    response = client.post(plan_url(rotation), DEFAULTS, follow=True)

    job, run = Job.objects.get(), PlanRun.objects.get()
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert (job.kind, job.title, job.owner, job.state) == (
        "planning.plan",
        f"Plan for {rotation}",
        planner,
        JobState.DONE,
    )
    page = response.content.decode()
    assert "Planned: 2 of 2 open positions filled." in page
    assert f'href="/planning/rotations/{rotation.pk}/plan/{run.pk}/" data-testid="job-open"' in page
    assert run.created_by == planner


def test_a_lock_outside_the_plan_answers_on_the_form_and_starts_no_job(client, planner, rotation):
    client.force_login(planner)
    _run, location = run_once(client, rotation)

    response = client.post(location, DEFAULTS | {"lock": ["999999"]})

    assert response.status_code == 400
    assert "A locked position is not part of this plan." in response.content.decode()
    assert Job.objects.count() == 1


def test_another_user_cannot_open_the_planners_job(client, planner, mod, rotation):
    client.force_login(planner)
    run_once(client, rotation)
    client.force_login(testing.user("colleague", roles.PLANNER, mod["department"]))
    assert client.get(Job.objects.get().get_absolute_url()).status_code == 404


# The worker closes a connection left in a transaction (Django's close_old_connections), as
# the test's own would be: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_worker_plans_later_on_the_real_queue(client, settings, planner, rotation):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(planner)
    job = planned(client, plan_url(rotation), DEFAULTS)
    assert job.state == JobState.QUEUED and not PlanRun.objects.exists()
    queued = client.get(job.get_absolute_url()).content.decode()
    assert 'data-state="queued"' in queued and "hx-get" in queued  # the page polls

    call_command("worker", "--batch", "--no-startup-delay")

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    run = PlanRun.objects.get()
    assert job.result_url == f"/planning/rotations/{rotation.pk}/plan/{run.pk}/"
    assert "Senior Officer" in client.get(job.result_url).content.decode()
