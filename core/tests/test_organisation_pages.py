import pytest

from core import roles, testing


def test_it_lists_only_granted_organisations(client, mod, mps, planner):
    client.force_login(planner)
    response = client.get("/organisations/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Military Hospital 175" in text
    assert "Ministry of Public Security" not in text


def test_it_answers_404_for_an_organisation_outside_scope(client, mod, mps, planner):
    client.force_login(planner)
    assert client.get(f"/organisations/{mps['police'].pk}/").status_code == 404
    assert client.get(f"/organisations/{mod['hospital'].pk}/").status_code == 200


def test_it_refuses_to_create_an_organisation_without_permission(client, mod, planner):
    client.force_login(planner)
    response = client.post("/organisations/add/", {"name": "X", "kind": "unit"})
    assert response.status_code == 403


def test_an_administrator_creates_and_sees_history(client, mod):
    admin = testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])
    client.force_login(admin)
    response = client.post(
        "/organisations/add/",
        {"name": "Engineering Brigade 6", "kind": "unit", "parent": mod["department"].pk},
    )
    assert response.status_code == 302
    history = client.get(response.url + "history/")
    assert "admin" in history.content.decode()


@pytest.mark.browser
def test_the_login_page_signs_a_user_in(page, sign_in, planner):
    sign_in(planner)
    page.goto("/organisations/")
    assert page.locator("table").inner_text().count("Military Hospital 175") == 1


def test_the_history_of_a_record_written_without_history_says_so_instead_of_failing(client, mod):
    from core.models import Organisation

    client.force_login(testing.user("admin", roles.ADMINISTRATOR, mod["ministry"]))
    mod["hospital"].history.all().delete()  # as a record a data migration wrote

    response = client.get(f"/organisations/{mod['hospital'].pk}/history/")

    assert response.status_code == 200
    assert response.context["entries"] == []
    assert Organisation.objects.filter(pk=mod["hospital"].pk).exists()
