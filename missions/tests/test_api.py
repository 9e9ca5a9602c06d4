"""Missions and locations over the REST API: a shared catalogue that planners keep."""

from django.urls import reverse

from core import testing
from core.testing import api
from missions.models import Location, Mission


def test_every_ministry_reads_the_missions_and_the_list_filters_like_the_page(
    viewer, police_officer_user
):
    unmiss = testing.mission("UNMISS")
    testing.mission("UNISFA", name="UN Interim Security Force for Abyei", host_country="Sudan")

    for user in (viewer, police_officer_user):
        found = api(user).get(reverse("api:mission-list"), {"q": "abyei"}).json()
        assert [row["code"] for row in found["results"]] == ["UNISFA"]
        assert api(user).get(reverse("api:mission-detail", args=[unmiss.pk])).status_code == 200


def test_a_planner_adds_and_changes_a_mission_and_a_viewer_cannot(planner, viewer):
    payload = {"code": "MINUSCA", "name": "MINUSCA", "host_country": "Central African Republic"}

    assert api(viewer).post(reverse("api:mission-list"), payload).status_code == 403
    created = api(planner).post(reverse("api:mission-list"), payload)
    assert created.status_code == 201, created.content
    url = created.json()["url"]
    etag = api(planner).get(url)["ETag"]
    changed = api(planner).patch(url, {"ended_on": "2030-01-01"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    assert Mission.objects.get(code="MINUSCA").ended_on.year == 2030


def test_a_mission_ending_before_it_starts_is_refused_on_the_end(planner):
    response = api(planner).post(
        reverse("api:mission-list"),
        {
            "code": "UNIFIL",
            "name": "UNIFIL",
            "host_country": "Lebanon",
            "started_on": "1978-03-19",
            "ended_on": "1970-01-01",
        },
    )
    assert response.status_code == 400
    assert response.json() == {"ended_on": ["A mission cannot end before it starts."]}


def test_a_second_location_of_the_same_name_is_refused_on_the_name(planner):
    unmiss = testing.mission("UNMISS")
    Location.objects.create(mission=unmiss, name="Bentiu")

    response = api(planner).post(
        reverse("api:location-list"), {"mission": unmiss.pk, "name": "bentiu"}
    )

    assert response.status_code == 400
    assert response.json() == {"name": ["This mission already has a location of this name."]}


def test_locations_filter_by_mission_in_a_few_queries(viewer, django_assert_max_num_queries):
    unmiss = testing.mission("UNMISS")
    unisfa = testing.mission("UNISFA")
    for n in range(30):
        Location.objects.create(mission=unmiss, name=f"Site {n}")
    Location.objects.create(mission=unisfa, name="Abyei")
    client = api(viewer)
    client.get(reverse("api:location-list"))

    with django_assert_max_num_queries(7):
        rows = client.get(
            reverse("api:location-list"), {"mission": unmiss.pk, "page_size": 50}
        ).json()["results"]

    assert len(rows) == 30
    assert rows[0]["display"].startswith("UNMISS ")


def test_a_number_beyond_its_column_is_refused_on_every_database(planner):
    response = api(planner).post(
        reverse("api:mission-list"),
        {
            "code": "UNMIK",
            "name": "UNMIK",
            "host_country": "Kosovo",
            "medal_qualifying_days": 40000,
        },
    )
    assert response.status_code == 400
    assert "medal_qualifying_days" in response.json()
