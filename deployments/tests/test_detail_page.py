"""One deployment's page: what it shows, the steps a user may take from it, and to whom."""

import datetime

import pytest
from django.contrib.auth.models import User

from core import roles, testing, versions
from deployments import workflow
from deployments.models import Authority, Deployment, State, Transition


def page_of(client, deployment):
    response = client.get(deployment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def step(client, deployment, to_state, **fields):
    """Post the form of `to_state` as the page would (fields prefixed by the state)."""
    data = {"to_state": to_state}
    data.update({f"{to_state}-{name}": value for name, value in fields.items()})
    return client.post(deployment.get_absolute_url(), data)


def test_it_shows_the_person_position_rotation_period_and_state(client, viewer, nominated):
    client.force_login(viewer)

    text = page_of(client, nominated)

    assert "Nguyễn Thị Hương" in text
    assert nominated.person.service_number in text
    assert "1. Role 1" in text
    assert f'href="{nominated.position.rotation.get_absolute_url()}"' in text
    assert "UNMISS" in text
    assert "2022-04-27 – 2023-07-09" in text
    assert 'class="badge state-nominated' in text


def test_the_timeline_shows_each_step_with_its_decision(client, viewer, nominated, advance):
    advance(nominated, State.APPROVED)
    client.force_login(viewer)

    text = page_of(client, nominated)

    assert text.count("<tr data-to=") == 4
    assert "President" in text
    assert "1234/QĐ-CTN" in text
    assert "2022-03-15" in text
    assert ">approver<" in text and ">planner<" in text


def test_the_page_shows_the_withdrawal_reason(client, viewer, nominated, planner):
    workflow.transition(nominated, State.WITHDRAWN, by=planner, reason="Failed the medical")
    client.force_login(viewer)

    text = page_of(client, nominated)

    assert 'data-testid="withdrawal-reason">Failed the medical<' in text
    assert "data-step=" not in text


def test_the_detail_page_runs_a_fixed_number_of_queries_however_long_the_timeline(
    client, planner, nominated, mod, django_assert_max_num_queries
):
    # Forty steps recorded by forty different officers: one query reads them all.
    officers = [User.objects.create(username=f"officer{n}") for n in range(40)]
    Transition.objects.bulk_create(
        Transition(deployment=nominated, from_state="", to_state=State.NOMINATED, by=officer)
        for officer in officers
    )
    client.force_login(planner)

    with django_assert_max_num_queries(11):
        response = client.get(nominated.get_absolute_url())

    assert response.content.decode().count("<tr data-to=") == 41


def test_a_planner_is_offered_the_next_step_and_withdrawal(client, planner, nominated):
    client.force_login(planner)
    text = page_of(client, nominated)
    assert 'data-step="screened"' in text
    assert 'data-step="withdrawn"' in text


def test_a_planner_is_not_offered_the_approval_form(client, planner, nominated, advance):
    advance(nominated, State.TRAINED)
    client.force_login(planner)

    text = page_of(client, nominated)

    assert 'data-step="approved"' not in text
    assert "Awaiting the approval decision" in text
    assert 'data-step="withdrawn"' in text


def test_an_approver_is_offered_the_approval_form(client, approver, nominated, advance):
    advance(nominated, State.TRAINED)
    client.force_login(approver)

    text = page_of(client, nominated)

    assert 'data-step="approved"' in text
    assert 'name="approved-authority"' in text
    assert 'name="approved-decision_number"' in text
    assert 'name="approved-decision_date"' in text


def test_a_viewer_sees_no_forms_and_cannot_post_a_step(client, viewer, nominated):
    client.force_login(viewer)

    text = page_of(client, nominated)
    response = step(client, nominated, State.SCREENED, note="sneaky")

    assert "data-step=" not in text
    assert response.status_code == 403
    nominated.refresh_from_db()
    assert nominated.state == State.NOMINATED
    assert nominated.transitions.count() == 1


def test_another_ministrys_deployment_is_missing(client, planner, foreign_deployment):
    client.force_login(planner)
    url = foreign_deployment.get_absolute_url()

    assert client.get(url).status_code == 404
    assert step(client, foreign_deployment, State.SCREENED).status_code == 404
    assert client.get(f"{url}history/").status_code == 404
    assert client.get(f"{url}edit/").status_code == 404
    assert client.get("/deployments/999999/").status_code == 404


def test_a_planner_records_a_step_with_a_note(client, planner, nominated):
    client.force_login(planner)

    response = step(client, nominated, State.SCREENED, note="Board of 3 May")

    assert response.status_code == 302
    assert response.url == nominated.get_absolute_url()
    nominated.refresh_from_db()
    assert nominated.state == State.SCREENED
    last = nominated.transitions.last()
    assert (last.by, last.note) == (planner, "Board of 3 May")
    assert "is now screened" in page_of(client, nominated)


def test_an_approver_records_the_decision(client, approver, nominated, advance):
    advance(nominated, State.TRAINED)
    client.force_login(approver)

    response = step(
        client,
        nominated,
        State.APPROVED,
        authority=Authority.NATIONAL_DEFENCE_SECURITY_COUNCIL,
        decision_number="55/QĐ-HĐQPAN",
        decision_date="2022-03-01",
    )

    assert response.status_code == 302
    last = nominated.transitions.last()
    assert last.authority == Authority.NATIONAL_DEFENCE_SECURITY_COUNCIL
    assert last.decision_number == "55/QĐ-HĐQPAN"
    assert last.decision_date == datetime.date(2022, 3, 1)


def test_a_refused_approval_shows_its_messages_on_the_fields_and_changes_nothing(
    client, approver, nominated, advance
):
    advance(nominated, State.TRAINED)
    client.force_login(approver)

    response = step(client, nominated, State.APPROVED, authority="", decision_date="2999-01-01")

    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-field="authority">Name the deciding authority.' in text
    assert 'data-field="decision_number">Give the decision&#x27;s number.' in text
    assert 'data-field="decision_date">A decision cannot be dated in the future.' in text
    nominated.refresh_from_db()
    assert nominated.state == State.TRAINED
    assert nominated.transitions.count() == 3


def test_a_badly_typed_date_is_refused_on_its_field(client, approver, nominated, advance):
    advance(nominated, State.APPROVED)
    client.force_login(approver)

    response = step(client, nominated, State.DEPLOYED, on_date="27/04/2022")

    assert 'data-field="on_date">Enter a valid date.' in response.content.decode()
    nominated.refresh_from_db()
    assert nominated.state == State.APPROVED


def test_a_planner_posting_an_approval_by_hand_is_told_why_not(client, planner, nominated, advance):
    advance(nominated, State.TRAINED)
    client.force_login(planner)

    response = step(
        client,
        nominated,
        State.APPROVED,
        authority=Authority.PRESIDENT,
        decision_number="9",
        decision_date="2022-03-01",
    )

    assert "Only an approver may record the approval decision." in response.content.decode()
    nominated.refresh_from_db()
    assert nominated.state == State.TRAINED


def test_it_records_the_arrival_day_and_a_withdrawal_reason(client, planner, nominated, advance):
    advance(nominated, State.APPROVED)
    client.force_login(planner)

    step(client, nominated, State.DEPLOYED, on_date="2022-04-28")
    nominated.refresh_from_db()
    assert nominated.arrived_on == datetime.date(2022, 4, 28)

    refused = step(client, nominated, State.WITHDRAWN, reason="")
    assert 'data-field="reason">Say why the deployment is withdrawn.' in refused.content.decode()
    step(client, nominated, State.WITHDRAWN, reason="Medical evacuation")
    nominated.refresh_from_db()
    assert nominated.state == State.WITHDRAWN
    assert nominated.withdrawal_reason == "Medical evacuation"


# --- dates and deletion ----------------------------------------------------------------------


def test_a_planner_changes_the_dates_through_the_edit_page(client, planner, nominated):
    client.force_login(planner)
    url = f"{nominated.get_absolute_url()}edit/"

    assert 'value="2022-04-27"' in client.get(url).content.decode()
    dates = {"starts_on": "2022-05-01", "ends_on": "2023-05-01"}
    response = client.post(url, {**dates, **versions.form_fields(nominated)})

    assert response.status_code == 302
    nominated.refresh_from_db()
    assert (nominated.starts_on, nominated.ends_on) == (
        datetime.date(2022, 5, 1),
        datetime.date(2023, 5, 1),
    )


def test_the_edit_page_refuses_dates_outside_the_rotation(client, planner, nominated):
    client.force_login(planner)

    response = client.post(
        f"{nominated.get_absolute_url()}edit/",
        {"starts_on": "2022-01-01", "ends_on": "2023-05-01", **versions.form_fields(nominated)},
    )

    assert response.status_code == 200
    assert "is before the rotation departs on 2022-04-27" in response.content.decode()
    nominated.refresh_from_db()
    assert nominated.starts_on == datetime.date(2022, 4, 27)


def test_a_viewer_cannot_open_the_edit_page(client, viewer, nominated):
    client.force_login(viewer)
    assert client.get(f"{nominated.get_absolute_url()}edit/").status_code == 404


def test_the_add_page_does_not_exist(client, planner, db):
    client.force_login(planner)
    assert client.get("/deployments/add/").status_code == 404


def test_an_administrator_deletes_a_nomination(client, administrator, nominated):
    client.force_login(administrator)
    url = f"{nominated.get_absolute_url()}delete/"

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    assert response.url == "/deployments/"
    assert not Deployment.objects.filter(pk=nominated.pk).exists()


def test_it_refuses_to_delete_a_screened_deployment_with_a_message(
    client, administrator, nominated, advance
):
    advance(nominated, State.SCREENED)
    client.force_login(administrator)
    url = f"{nominated.get_absolute_url()}delete/"

    response = client.post(url, follow=True)

    assert "A screened deployment is part of the record and cannot be deleted." in (
        response.content.decode()
    )
    assert Deployment.objects.filter(pk=nominated.pk).exists()
    assert client.get(url).status_code == 302
    assert f'href="/deployments/{nominated.pk}/delete/"' not in page_of(client, nominated)


@pytest.mark.parametrize("role", [roles.PLANNER, roles.APPROVER])
def test_only_an_administrator_may_delete(client, mod, nominated, role):
    client.force_login(testing.user("someone", role, mod["department"]))

    response = client.post(f"{nominated.get_absolute_url()}delete/")

    assert response.status_code == 404
    assert Deployment.objects.filter(pk=nominated.pk).exists()


def test_the_history_names_who_changed_the_deployment(client, viewer, nominated, planner):
    workflow.transition(nominated, State.SCREENED, by=planner)
    client.force_login(viewer)

    response = client.get(f"{nominated.get_absolute_url()}history/")

    assert response.status_code == 200
    assert "planner" in response.content.decode()
