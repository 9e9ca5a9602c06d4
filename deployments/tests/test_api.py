"""Deployments over the REST API: nomination, steps and dates run the workflow's rules."""

import datetime

from django.urls import reverse

from core import testing
from core.testing import api
from deployments.models import Authority, Deployment, State, Transition
from deployments.tests.conftest import DEPARTS, RETURNS
from deployments.tests.test_workflow import snapshot


def detail(deployment):
    return reverse("api:deployment-detail", args=[deployment.pk])


def step(deployment):
    return reverse("api:deployment-transition", args=[deployment.pk])


def etag_of(client, deployment):
    response = client.get(detail(deployment))
    assert response.status_code == 200
    return response["ETag"]


# --- reading -------------------------------------------------------------------------------------


def test_a_viewer_reads_deployments_in_scope_and_none_of_another_ministry(
    viewer, nominated, foreign_deployment
):
    client = api(viewer)

    listed = client.get(reverse("api:deployment-list")).json()
    body = client.get(detail(nominated)).json()

    assert [row["id"] for row in listed["results"]] == [nominated.pk]
    assert body["state"] == "nominated"
    assert body["rotation"] == nominated.position.rotation_id
    assert body["next_states"] == ["screened", "withdrawn"]
    assert client.get(detail(foreign_deployment)).status_code == 404
    steps = client.get(reverse("api:transition-list"), {"deployment": nominated.pk}).json()
    assert [row["to_state"] for row in steps["results"]] == ["nominated"]
    assert (
        client.get(reverse("api:transition-list"), {"deployment": foreign_deployment.pk}).json()[
            "count"
        ]
        == 0
    )


def test_another_ministry_cannot_move_a_deployment_it_cannot_see(
    police_officer_user, mps, nominated
):
    planner = testing.user("police-planner", "Planner", mps["ministry"])
    before = snapshot()

    response = api(planner).post(step(nominated), {"to_state": "screened"})

    assert response.status_code == 404
    assert snapshot() == before


def test_the_list_filters_like_the_deployments_page(viewer, nominated, mod, rotation):
    other = testing.person(mod["hospital"], "Trần Văn Bình")
    Deployment.objects.create(
        person=other,
        position=rotation.positions.last(),
        starts_on=DEPARTS,
        ends_on=RETURNS,
        state=State.WITHDRAWN,
    )
    client = api(viewer)

    by_name = client.get(reverse("api:deployment-list"), {"q": "nguyen thi huong"}).json()
    by_state = client.get(reverse("api:deployment-list"), {"state": "withdrawn"}).json()

    assert [row["id"] for row in by_name["results"]] == [nominated.pk]
    assert [row["person"] for row in by_state["results"]] == [other.pk]


def test_a_filter_value_no_date_can_hold_is_a_400_not_a_server_error(viewer, nominated):
    client = api(viewer)

    for query in ({"year": 99999999}, {"year": -(10**20)}, {"rotation": 10**30}):
        response = client.get(reverse("api:deployment-list"), query)
        assert response.status_code == 400, (query, response.content)


def test_the_list_costs_a_few_queries_for_many_deployments(
    viewer, company, django_assert_max_num_queries
):
    client = api(viewer)
    client.get(reverse("api:deployment-list"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:deployment-list"), {"page_size": 35})

    assert len(response.json()["results"]) == 35


# --- nomination ----------------------------------------------------------------------------------


def test_a_planner_nominates_through_the_workflow(planner, rotation, surgeon):
    position = rotation.positions.first()

    response = api(planner).post(
        reverse("api:deployment-list"), {"person": surgeon.pk, "position": position.pk}
    )

    assert response.status_code == 201, response.content
    deployment = Deployment.objects.get(pk=response.json()["id"])
    assert (deployment.starts_on, deployment.ends_on) == (DEPARTS, RETURNS)
    assert deployment.transitions.get().by == planner
    assert response["ETag"]


def test_a_nomination_the_workflow_refuses_is_a_400_with_its_message(
    planner, nominated, rotation, mod
):
    other = testing.person(mod["hospital"], "Trần Văn Bình")
    before = snapshot()

    response = api(planner).post(
        reverse("api:deployment-list"),
        {"person": other.pk, "position": nominated.position_id},
    )

    assert response.status_code == 400
    assert "is already filled by" in response.json()["position"][0]
    assert snapshot() == before


def test_nominating_a_person_of_another_ministry_is_refused_as_unknown(
    planner, rotation, foreign_deployment
):
    response = api(planner).post(
        reverse("api:deployment-list"),
        {"person": foreign_deployment.person_id, "position": rotation.positions.first().pk},
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["person"][0]


def test_a_viewer_and_an_approver_cannot_nominate(viewer, approver, rotation, surgeon):
    payload = {"person": surgeon.pk, "position": rotation.positions.first().pk}
    assert api(viewer).post(reverse("api:deployment-list"), payload).status_code == 403
    assert api(approver).post(reverse("api:deployment-list"), payload).status_code == 403
    assert not Deployment.objects.exists()


# --- steps ---------------------------------------------------------------------------------------


def test_a_planner_takes_a_step_and_it_is_recorded(planner, nominated):
    response = api(planner).post(step(nominated), {"to_state": "screened", "note": "Board 3"})

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "screened"
    last = nominated.transitions.last()
    assert (last.to_state, last.by, last.note) == ("screened", planner, "Board 3")


def test_an_illegal_step_is_a_400_with_the_message_and_changes_nothing(planner, nominated):
    before = snapshot()

    response = api(planner).post(step(nominated), {"to_state": "deployed"})

    assert response.status_code == 400
    assert response.json() == {"to_state": ["A deployment cannot go from Nominated to Deployed."]}
    assert snapshot() == before


def test_a_withdrawal_without_a_reason_is_refused_on_the_reason(planner, nominated):
    response = api(planner).post(step(nominated), {"to_state": "withdrawn"})
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why the deployment is withdrawn."]}


def test_only_an_approver_records_the_approval(planner, approver, nominated, advance):
    advance(nominated, State.TRAINED)
    decision = {
        "to_state": "approved",
        "authority": Authority.PRESIDENT,
        "decision_number": "1234/QĐ-CTN",
        "decision_date": "2022-03-15",
    }
    before = snapshot()

    refused = api(planner).post(step(nominated), decision)

    assert refused.status_code == 400
    assert refused.json()["to_state"] == ["Only an approver may record the approval decision."]
    assert snapshot() == before
    approved = api(approver).post(step(nominated), decision)
    assert approved.status_code == 200, approved.content
    recorded = Transition.objects.filter(deployment=nominated).last()
    assert (recorded.authority, recorded.decision_number) == ("president", "1234/QĐ-CTN")


def test_a_viewer_cannot_take_a_step(viewer, nominated):
    assert api(viewer).post(step(nominated), {"to_state": "screened"}).status_code == 403


def test_a_step_sent_with_an_old_version_is_refused_with_412(planner, nominated):
    client = api(planner)
    old = etag_of(client, nominated)
    assert (
        client.post(step(nominated), {"to_state": "screened"}, HTTP_IF_MATCH=old).status_code == 200
    )
    before = snapshot()

    again = client.post(step(nominated), {"to_state": "trained"}, HTTP_IF_MATCH=old)

    assert again.status_code == 412
    assert snapshot() == before


# --- dates and deletion ----------------------------------------------------------------------


def test_the_dates_change_through_the_workflow_with_the_current_version(planner, nominated):
    client = api(planner)
    etag = etag_of(client, nominated)

    outside = client.patch(detail(nominated), {"ends_on": "2024-01-01"}, HTTP_IF_MATCH=etag)
    inside = client.patch(detail(nominated), {"ends_on": "2023-06-30"}, HTTP_IF_MATCH=etag)

    assert outside.status_code == 400
    assert "after the rotation returns" in outside.json()["ends_on"][0]
    assert inside.status_code == 200, inside.content
    nominated.refresh_from_db()
    assert nominated.ends_on == datetime.date(2023, 6, 30)
    # The state is never changed by a PATCH: only by a step.
    ignored = client.patch(detail(nominated), {"state": "deployed"}, HTTP_IF_MATCH=inside["ETag"])
    assert ignored.json()["state"] == "nominated"


def test_a_date_change_without_the_version_is_refused_with_428(planner, nominated):
    response = api(planner).patch(detail(nominated), {"ends_on": "2023-06-30"})
    assert response.status_code == 428


def test_only_an_administrator_deletes_and_only_a_mistaken_nomination(
    planner, administrator, nominated, advance
):
    assert api(planner).delete(detail(nominated), HTTP_IF_MATCH="*").status_code == 403
    advance(nominated, State.SCREENED)
    client = api(administrator)

    refused = client.delete(detail(nominated), HTTP_IF_MATCH=etag_of(client, nominated))

    assert refused.status_code == 400
    assert "cannot be deleted" in refused.json()["non_field_errors"][0]
    assert Deployment.objects.filter(pk=nominated.pk).exists()


def test_an_administrator_deletes_a_withdrawn_deployment(planner, administrator, nominated):
    api(planner).post(step(nominated), {"to_state": "withdrawn", "reason": "Injured"})
    client = api(administrator)

    response = client.delete(detail(nominated), HTTP_IF_MATCH=etag_of(client, nominated))

    assert response.status_code == 204
    assert not Deployment.objects.filter(pk=nominated.pk).exists()
