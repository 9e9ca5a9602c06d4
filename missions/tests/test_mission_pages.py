"""The missions list and a mission's page with its locations and rotations."""

import datetime

import pytest

from core import roles, testing, versions
from missions.models import Location, Mission


@pytest.fixture
def english(db):
    return testing.language("en", "English")


@pytest.fixture
def french(db):
    return testing.language("fr", "French")


@pytest.fixture
def catalogue(english, french):
    unmiss = testing.mission("UNMISS", working_language=english)
    minusca = testing.mission(
        "MINUSCA",
        name="Multidimensional Integrated Stabilization Mission in the Central African Republic",
        host_country="Central African Republic",
        working_language=french,
    )
    unmil = testing.mission(
        "UNMIL",
        name="United Nations Mission in Liberia",
        host_country="Liberia",
        ended_on=datetime.date(2018, 3, 30),
        working_language=english,
    )
    dpo = testing.mission(
        "DPO-NY",
        name="Department of Peace Operations",
        host_country="United States",
        kind="headquarters",
    )
    return {"UNMISS": unmiss, "MINUSCA": minusca, "UNMIL": unmil, "DPO-NY": dpo}


def codes(response):
    return {row.code for row in response.context["table"].data}


def test_it_lists_missions_and_the_un_headquarters(client, planner, catalogue):
    client.force_login(planner)
    response = client.get("/missions/")
    assert response.status_code == 200
    assert codes(response) == {"UNMISS", "MINUSCA", "UNMIL", "DPO-NY"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=headquarters", {"DPO-NY"}),
        ("active=true", {"UNMISS", "MINUSCA", "DPO-NY"}),
        ("active=false", {"UNMIL"}),
        ("q=central+african", {"MINUSCA"}),
        ("q=liberia", {"UNMIL"}),
        ("q=unmi", {"UNMISS", "UNMIL"}),
    ],
)
def test_it_filters_the_missions(client, planner, catalogue, query, expected):
    client.force_login(planner)
    assert codes(client.get(f"/missions/?{query}")) == expected


def test_it_filters_by_working_language(client, planner, catalogue, french):
    client.force_login(planner)
    assert codes(client.get(f"/missions/?working_language={french.pk}")) == {"MINUSCA"}


def test_the_list_runs_a_bounded_number_of_queries(
    client, planner, english, django_assert_max_num_queries
):
    for n in range(30):
        mission = testing.mission(f"M{n:02d}", working_language=english)
        Location.objects.create(mission=mission, name="Headquarters")
    client.force_login(planner)
    with django_assert_max_num_queries(10):
        response = client.get("/missions/")
    assert len(response.context["table"].page.object_list) == 30


def test_the_page_shows_the_facts_locations_and_own_rotations(client, planner, mod, mps):
    english = testing.language()
    mission = testing.mission("UNMISS", working_language=english, medal_qualifying_days=90)
    Location.objects.create(mission=mission, name="Bentiu", is_headquarters=False)
    Location.objects.create(mission=mission, name="Juba", is_headquarters=True)
    testing.rotation(mod["hospital"], number=4, mission=mission)
    police = testing.unit_type("fpu", positions=1, name="Formed Police Unit", category="fpu")
    testing.rotation(mps["police"], number=1, mission=mission, unit_type=police)
    client.force_login(planner)
    response = client.get(f"/missions/{mission.pk}/")
    text = response.content.decode()
    assert "South Sudan" in text and "English" in text and "90" in text
    assert "Bentiu" in text and "Juba" in text
    assert "Level-2 Field Hospital Rotation 4" in text
    assert "Formed Police Unit" not in text


def test_a_planner_adds_a_location_from_the_mission_page(client, planner):
    mission = testing.mission()
    client.force_login(planner)
    page = client.get(f"/missions/{mission.pk}/").content.decode()
    assert f"/missions/locations/add/?mission={mission.pk}" in page
    form = client.get(f"/missions/locations/add/?mission={mission.pk}")
    assert form.context["form"].initial["mission"] == str(mission.pk)
    response = client.post(
        "/missions/locations/add/", {"mission": mission.pk, "name": "Bentiu", "notes": ""}
    )
    assert response.status_code == 302
    assert response.url == f"/missions/{mission.pk}/"
    assert list(mission.locations.values_list("name", flat=True)) == ["Bentiu"]


def test_a_duplicate_location_is_refused_on_its_name(client, planner):
    mission = testing.mission()
    Location.objects.create(mission=mission, name="Bentiu")
    client.force_login(planner)
    response = client.post("/missions/locations/add/", {"mission": mission.pk, "name": "Bentiu"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["This mission already has a location of this name."]
    }
    assert mission.locations.count() == 1


def test_a_planner_renames_and_deletes_a_location(client, planner):
    mission = testing.mission()
    location = Location.objects.create(mission=mission, name="Bentu")
    client.force_login(planner)
    response = client.post(
        f"/missions/locations/{location.pk}/edit/",
        {"mission": mission.pk, "name": "Bentiu", **versions.form_fields(location)},
    )
    assert response.status_code == 302
    location.refresh_from_db()
    assert location.name == "Bentiu"
    response = client.post(f"/missions/locations/{location.pk}/delete/")
    assert response.url == f"/missions/{mission.pk}/"
    assert not mission.locations.exists()


def test_each_location_links_to_its_history(client, viewer):
    mission = testing.mission()
    bentiu = Location.objects.create(mission=mission, name="Bentiu")
    client.force_login(viewer)
    text = client.get(f"/missions/{mission.pk}/").content.decode()
    assert f'href="/missions/locations/{bentiu.pk}/history/"' in text
    history = client.get(f"/missions/locations/{bentiu.pk}/history/")
    assert history.status_code == 200
    assert history.context["object"] == bentiu


def test_a_location_used_by_a_rotation_is_kept(client, planner, mod):
    mission = testing.mission()
    bentiu = Location.objects.create(mission=mission, name="Bentiu")
    testing.rotation(mod["hospital"], mission=mission, location=bentiu, with_positions=False)
    client.force_login(planner)
    response = client.post(f"/missions/locations/{bentiu.pk}/delete/", follow=True)
    assert "is still used by" in response.content.decode()
    assert Location.objects.filter(pk=bentiu.pk).exists()


def test_a_planner_records_a_new_mission(client, planner, english):
    client.force_login(planner)
    response = client.post(
        "/missions/add/",
        {
            "code": "UNISFA",
            "name": "United Nations Interim Security Force for Abyei",
            "kind": "mission",
            "host_country": "Abyei Area",
            "started_on": "2011-06-27",
            "working_language": english.pk,
            "medal_qualifying_days": 90,
        },
    )
    mission = Mission.objects.get(code="UNISFA")
    assert response.url == f"/missions/{mission.pk}/"


def test_it_refuses_an_end_before_the_start_on_the_form(client, planner):
    client.force_login(planner)
    response = client.post(
        "/missions/add/",
        {
            "code": "UNISFA",
            "name": "UNISFA",
            "kind": "mission",
            "host_country": "Abyei Area",
            "started_on": "2011-06-27",
            "ended_on": "2010-01-01",
            "medal_qualifying_days": 90,
        },
    )
    assert response.context["form"].errors["ended_on"] == ["A mission cannot end before it starts."]
    assert not Mission.objects.filter(code="UNISFA").exists()


def test_a_viewer_reads_but_cannot_change_missions(client, viewer):
    mission = testing.mission()
    location = Location.objects.create(mission=mission, name="Bentiu")
    client.force_login(viewer)
    page = client.get(f"/missions/{mission.pk}/").content.decode()
    assert "/missions/locations/add/" not in page
    assert f"/missions/{mission.pk}/edit/" not in page
    assert client.get("/missions/add/").status_code == 403
    assert client.post(f"/missions/{mission.pk}/edit/", {"code": "X"}).status_code == 404
    assert client.post(f"/missions/locations/{location.pk}/delete/").status_code == 404
    assert Location.objects.filter(pk=location.pk).exists()


def test_an_administrator_sees_the_history_of_a_mission(client, mod):
    admin = testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])
    client.force_login(admin)
    client.post(
        "/missions/add/",
        {
            "code": "UNIFIL",
            "name": "UN Interim Force in Lebanon",
            "kind": "mission",
            "host_country": "Lebanon",
            "medal_qualifying_days": 90,
        },
    )
    mission = Mission.objects.get(code="UNIFIL")
    history = client.get(f"/missions/{mission.pk}/history/")
    assert "admin" in history.content.decode()
