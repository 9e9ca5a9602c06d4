"""Two organisations, two users who must not see each other's records, through every door.

Every page, search and export goes through `restrict`; these tests knock on each door with
the other organisation's ids and names.
"""

import pytest

from core import roles, testing
from deployments import workflow


@pytest.fixture
def two_sides(mod, mps):
    defence_user = testing.user("defence", roles.PERSONNEL_OFFICER, mod["department"])
    police_user = testing.user("police-side", roles.PERSONNEL_OFFICER, mps["ministry"])
    defence_person = testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F")
    police_person = testing.person(mps["police"], "Nguyễn Thị Hồng", sex="F", service="police")
    planner = testing.user("boss", roles.PLANNER, mod["ministry"], mps["ministry"])
    police_rotation = testing.rotation(mps["police"], unit_type=testing.unit_type("fpu"))
    deployment = workflow.nominate(police_person, police_rotation.positions.first(), by=planner)
    return {
        "defence_user": defence_user,
        "police_user": police_user,
        "defence_person": defence_person,
        "police_person": police_person,
        "police_rotation": police_rotation,
        "police_deployment": deployment,
    }


def test_the_people_list_shows_only_own_organisation(client, two_sides):
    client.force_login(two_sides["defence_user"])
    text = client.get("/people/").content.decode()
    assert "Nguyễn Thị Hương" in text
    assert "Nguyễn Thị Hồng" not in text


def test_a_person_of_the_other_side_is_not_found_by_id(client, two_sides):
    client.force_login(two_sides["defence_user"])
    assert client.get(f"/people/{two_sides['police_person'].pk}/").status_code == 404
    assert client.get(f"/people/{two_sides['police_person'].pk}/history/").status_code == 404
    assert client.get(f"/people/{two_sides['police_person'].pk}/edit/").status_code == 404
    client.force_login(two_sides["police_user"])
    assert client.get(f"/people/{two_sides['defence_person'].pk}/").status_code == 404
    assert client.get(f"/people/{two_sides['police_person'].pk}/").status_code == 200


def test_search_does_not_reach_the_other_side(client, two_sides):
    client.force_login(two_sides["defence_user"])
    text = client.get("/people/", {"q": "nguyen thi"}).content.decode()
    assert "Nguyễn Thị Hương" in text
    assert "Nguyễn Thị Hồng" not in text


def test_exports_do_not_reach_the_other_side(client, two_sides):
    client.force_login(two_sides["police_user"])
    csv = client.get("/people/", {"export": "csv"}).content.decode()
    assert "Nguyễn Thị Hồng" in csv
    assert "Nguyễn Thị Hương" not in csv
    deployments_csv = client.get("/deployments/", {"export": "csv"}).content.decode()
    assert "Nguyễn Thị Hồng" in deployments_csv


def test_rotations_and_deployments_of_the_other_side_are_not_found(client, two_sides):
    client.force_login(two_sides["defence_user"])
    assert client.get(f"/units/rotations/{two_sides['police_rotation'].pk}/").status_code == 404
    deployment = two_sides["police_deployment"]
    assert client.get(f"/deployments/{deployment.pk}/").status_code == 404
    assert "Nguyễn Thị Hồng" not in client.get("/deployments/").content.decode()
    assert "Nguyễn Thị Hồng" not in client.get("/deployments/", {"export": "csv"}).content.decode()


def test_a_changed_id_in_a_form_post_cannot_touch_the_other_side(client, two_sides):
    client.force_login(two_sides["defence_user"])
    response = client.post(
        f"/people/{two_sides['police_person'].pk}/edit/",
        {"full_name": "Changed"},
    )
    assert response.status_code == 404
    two_sides["police_person"].refresh_from_db()
    assert two_sides["police_person"].full_name == "Nguyễn Thị Hồng"
