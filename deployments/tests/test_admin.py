"""The admin site scopes deployments by organisation and deletes only what the workflow allows."""

import pytest

from core import roles, testing
from deployments.models import Deployment, State, Transition


@pytest.fixture
def staff_administrator(mod):
    return testing.user("adm", roles.ADMINISTRATOR, mod["ministry"], is_staff=True)


def test_the_admin_lists_only_deployments_of_the_users_organisations(
    client, staff_administrator, nominated, foreign_deployment
):
    client.force_login(staff_administrator)

    deployments = client.get("/admin/deployments/deployment/").content.decode()
    transitions = client.get("/admin/deployments/transition/")

    assert "Nguyễn Thị Hương" in deployments
    assert "Phạm Công An" not in deployments
    assert list(transitions.context["cl"].result_list) == list(nominated.transitions.all())
    foreign = f"/admin/deployments/deployment/{foreign_deployment.pk}/change/"
    assert client.get(foreign).status_code == 302  # "does not exist", as for a wrong id
    assert Deployment.objects.filter(pk=foreign_deployment.pk).exists()


def test_the_list_offers_no_bulk_delete(client, staff_administrator, nominated):
    client.force_login(staff_administrator)

    for page in ("deployment", "transition"):
        response = client.get(f"/admin/deployments/{page}/")
        assert "delete_selected" not in response.content.decode()


def test_an_administrator_deletes_a_nomination_with_its_transitions(
    client, staff_administrator, nominated
):
    client.force_login(staff_administrator)
    url = f"/admin/deployments/deployment/{nominated.pk}/delete/"

    confirm = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert not confirm.context["perms_lacking"]
    assert response.status_code == 302
    assert not Deployment.objects.filter(pk=nominated.pk).exists()
    assert not Transition.objects.filter(deployment_id=nominated.pk).exists()
    deleted = Deployment.history.filter(id=nominated.pk, history_type="-").get()
    assert deleted.history_user == staff_administrator


def test_a_deployment_past_nomination_cannot_be_deleted_in_the_admin(
    client, staff_administrator, nominated, advance
):
    advance(nominated, State.APPROVED)
    client.force_login(staff_administrator)
    url = f"/admin/deployments/deployment/{nominated.pk}/delete/"

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Deployment.objects.get(pk=nominated.pk).state == State.APPROVED


def test_a_transition_is_never_deleted_on_its_own(client, staff_administrator, nominated):
    client.force_login(staff_administrator)
    step = nominated.transitions.get()
    url = f"/admin/deployments/transition/{step.pk}/delete/"

    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Transition.objects.filter(pk=step.pk).exists()
