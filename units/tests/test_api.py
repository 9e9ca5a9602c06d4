"""Unit types, rotations and positions over the REST API."""

from django.urls import reverse

from core import testing
from core.testing import api
from units.models import Position, Rotation, UnitType, UnitTypePosition


def rotation_payload(**changes):
    payload = {
        "unit_type": testing.unit_type(positions=3).pk,
        "mission": testing.mission().pk,
        "planned_departure": "2025-04-01",
        "planned_return": "2026-04-01",
    }
    payload.update(changes)
    return payload


def test_rotations_are_read_in_scope_and_never_across_ministries(viewer, mod, mps):
    mine = testing.rotation(mod["hospital"], number=4)
    theirs = testing.rotation(mps["police"], number=9)
    client = api(viewer)

    listed = client.get(reverse("api:rotation-list")).json()

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert client.get(reverse("api:rotation-detail", args=[theirs.pk])).status_code == 404
    positions = client.get(reverse("api:position-list"), {"rotation": theirs.pk}).json()
    assert positions["count"] == 0
    foreign = theirs.positions.first()
    assert client.get(reverse("api:position-detail", args=[foreign.pk])).status_code == 404


def test_a_planner_creates_a_rotation_with_its_positions_as_the_form_does(planner, mod):
    response = api(planner).post(
        reverse("api:rotation-list"), rotation_payload(organisation=mod["hospital"].pk)
    )

    assert response.status_code == 201, response.content
    rotation = Rotation.objects.get(pk=response.json()["id"])
    assert rotation.number == 1  # the next number of the unit type in the mission
    assert rotation.target_strength == 3  # the table's establishment
    assert rotation.name == "Level-2 Field Hospital Rotation 1"
    assert rotation.positions.count() == 3


def test_the_defaults_follow_the_rotations_already_there_and_apply_only_on_creation(planner, mod):
    existing = testing.rotation(mod["hospital"], number=6, target_strength=2)
    client = api(planner)
    payload = rotation_payload(
        organisation=mod["hospital"].pk,
        unit_type=existing.unit_type.pk,
        mission=existing.mission.pk,
    )

    created = client.post(reverse("api:rotation-list"), payload)

    assert created.status_code == 201, created.content
    assert (created.json()["number"], created.json()["target_strength"]) == (7, 3)
    url = reverse("api:rotation-detail", args=[existing.pk])
    etag = client.get(url)["ETag"]
    changed = client.put(url, {**payload, "status": "forming"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.content
    existing.refresh_from_db()
    assert (existing.number, existing.target_strength, existing.status) == (6, 2, "forming")
    assert existing.positions.count() == 3  # generated once, on creation


def test_a_rotation_may_be_created_without_positions(planner, mod):
    response = api(planner).post(
        reverse("api:rotation-list"),
        rotation_payload(organisation=mod["hospital"].pk, generate_positions=False),
    )
    assert response.status_code == 201
    assert not Position.objects.exists()


def test_it_refuses_what_the_rotation_form_refuses(planner, mod, mps):
    client = api(planner)

    backwards = client.post(
        reverse("api:rotation-list"),
        rotation_payload(organisation=mod["hospital"].pk, planned_return="2024-01-01"),
    )
    elsewhere = client.post(
        reverse("api:rotation-list"), rotation_payload(organisation=mps["police"].pk)
    )

    assert backwards.status_code == 400
    assert backwards.json() == {"planned_return": ["The return must come after the departure."]}
    assert "does not exist" in elsewhere.json()["organisation"][0]
    assert not Rotation.objects.exists()


def test_a_viewer_cannot_write_and_a_planner_changes_with_the_current_version(viewer, planner, mod):
    rotation = testing.rotation(mod["hospital"], number=4)
    url = reverse("api:rotation-detail", args=[rotation.pk])

    assert api(viewer).patch(url, {"status": "forming"}, HTTP_IF_MATCH="*").status_code == 403
    client = api(planner)
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"status": "forming"}, HTTP_IF_MATCH=etag).status_code == 200
    assert client.patch(url, {"status": "ready"}, HTTP_IF_MATCH=etag).status_code == 412
    rotation.refresh_from_db()
    assert rotation.status == "forming"


def test_a_position_is_added_only_to_a_rotation_the_planner_may_change(planner, mod, mps):
    mine = testing.rotation(mod["hospital"], number=4)
    theirs = testing.rotation(mps["police"], number=9)
    client = api(planner)

    added = client.post(
        reverse("api:position-list"), {"rotation": mine.pk, "number": 4, "role": "Dentist"}
    )
    refused = client.post(
        reverse("api:position-list"), {"rotation": theirs.pk, "number": 4, "role": "Dentist"}
    )
    twice = client.post(
        reverse("api:position-list"), {"rotation": mine.pk, "number": 4, "role": "Nurse"}
    )

    assert added.status_code == 201, added.content
    assert "does not exist" in refused.json()["rotation"][0]
    assert twice.json() == {"number": ["This rotation already has a position with this number."]}


def test_a_rank_range_upside_down_is_refused_on_the_highest_rank(planner, mod):
    rotation = testing.rotation(mod["hospital"], number=4)
    response = api(planner).post(
        reverse("api:position-list"),
        {"rotation": rotation.pk, "number": 9, "role": "Surgeon", "rank_min": 14, "rank_max": 12},
    )
    assert response.json() == {"rank_max": ["The highest rank is below the lowest."]}


def test_unit_types_and_their_tables_are_kept_by_planners(planner, viewer):
    client = api(planner)
    created = client.post(
        reverse("api:unittype-list"),
        {"code": "staff-officer", "name": "Staff officer", "category": "staff_officer"},
    )
    assert created.status_code == 201, created.content
    kind = UnitType.objects.get(code="staff-officer")
    row = client.post(
        reverse("api:unittypeposition-list"), {"unit_type": kind.pk, "role": "G3", "count": 1}
    )
    assert row.status_code == 201, row.content
    zero = client.post(
        reverse("api:unittypeposition-list"), {"unit_type": kind.pk, "role": "G2", "count": 0}
    )
    assert zero.json() == {"count": ["A table row stands for at least one person."]}
    assert (
        api(viewer)
        .post(reverse("api:unittype-list"), {"code": "x", "name": "X", "category": "troops"})
        .status_code
        == 403
    )
    assert UnitTypePosition.objects.filter(unit_type=kind).count() == 1


def test_lists_of_rotations_and_positions_cost_a_few_queries(
    viewer, mod, django_assert_max_num_queries
):
    kind = testing.unit_type(positions=30)
    rotations = [testing.rotation(mod["hospital"], number=n, unit_type=kind) for n in range(1, 31)]
    client = api(viewer)
    client.get(reverse("api:rotation-list"))

    with django_assert_max_num_queries(8):
        listed = client.get(reverse("api:rotation-list"), {"page_size": 30}).json()
    with django_assert_max_num_queries(8):
        positions = client.get(
            reverse("api:position-list"), {"rotation": rotations[0].pk, "page_size": 30}
        ).json()

    assert len(listed["results"]) == 30
    assert len(positions["results"]) == 30
