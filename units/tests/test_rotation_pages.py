"""Rotations: the list, the form that creates them, and the rotation page."""

import datetime
import re

import pytest

from core import testing, versions
from missions.models import Location
from units.models import Position, Rotation


def rotation_data(unit_type, mission, organisation, **overrides):
    data = {
        "unit_type": unit_type.pk,
        "mission": mission.pk,
        "location": "",
        "organisation": organisation.pk,
        "number": "",
        "name": "",
        "status": "planning",
        "planned_departure": "2026-04-01",
        "planned_return": "2027-04-01",
        "target_strength": "",
        "target_women_share": "15",
        "generate": "on",
    }
    data.update(overrides)
    return data


def names(response):
    return [row.record.name for row in response.context["table"].page.object_list]


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def rotations(mod, mps):
    hospital = testing.unit_type()
    engineers = testing.unit_type("engineers", name="Engineering Company", positions=2)
    police = testing.unit_type("fpu", name="Formed Police Unit", category="fpu", positions=1)
    unmiss = testing.mission("UNMISS")
    unisfa = testing.mission("UNISFA", name="UNISFA", host_country="Abyei Area")
    return {
        "l2-4": testing.rotation(
            mod["hospital"], number=4, unit_type=hospital, mission=unmiss, status="deployed"
        ),
        "l2-5": testing.rotation(
            mod["hospital"],
            number=5,
            unit_type=hospital,
            mission=unmiss,
            planned_departure=datetime.date(2023, 7, 1),
            planned_return=datetime.date(2024, 7, 1),
        ),
        "eng-1": testing.rotation(mod["department"], number=1, unit_type=engineers, mission=unisfa),
        "fpu-1": testing.rotation(mps["police"], number=1, unit_type=police, mission=unmiss),
    }


def test_it_lists_only_rotations_of_the_users_organisations(client, planner, rotations):
    client.force_login(planner)
    response = client.get("/units/rotations/")
    assert sorted(names(response)) == [
        "Engineering Company Rotation 1",
        "Level-2 Field Hospital Rotation 4",
        "Level-2 Field Hospital Rotation 5",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=deployed", ["Level-2 Field Hospital Rotation 4"]),
        ("year=2023", ["Level-2 Field Hospital Rotation 5"]),
        ("q=engineering", ["Engineering Company Rotation 1"]),
        ("category=fpu", []),
    ],
)
def test_it_filters_rotations(client, planner, rotations, query, expected):
    client.force_login(planner)
    assert names(client.get(f"/units/rotations/?{query}")) == expected


def test_it_filters_by_mission_unit_type_and_organisation(client, planner, rotations, mod):
    client.force_login(planner)
    unisfa = rotations["eng-1"].mission
    assert names(client.get(f"/units/rotations/?mission={unisfa.pk}")) == [
        "Engineering Company Rotation 1"
    ]
    hospital = rotations["l2-4"].unit_type
    assert len(names(client.get(f"/units/rotations/?unit_type={hospital.pk}"))) == 2
    within = names(client.get(f"/units/rotations/?organisation={mod['hospital'].pk}"))
    assert sorted(within) == [
        "Level-2 Field Hospital Rotation 4",
        "Level-2 Field Hospital Rotation 5",
    ]


def test_the_list_shows_strength_and_women_against_target(client, planner, rotations, fill):
    rotation = rotations["l2-4"]
    fill(rotation.positions.get(number=1), "deployed", sex="M")
    fill(rotation.positions.get(number=2), "deployed", sex="M")
    client.force_login(planner)
    text = client.get("/units/rotations/?status=deployed").content.decode()
    assert "2 / 3 / 3" in text
    assert '<span class="text-danger fw-semibold">0 (0.0% / 15%)</span>' in text


def test_the_list_runs_a_bounded_number_of_queries(
    client, planner, mod, fill, django_assert_max_num_queries
):
    kind = testing.unit_type()
    mission = testing.mission()
    bentiu = Location.objects.create(mission=mission, name="Bentiu")
    for number in range(1, 31):
        rotation = testing.rotation(
            mod["hospital"], number=number, unit_type=kind, mission=mission, location=bentiu
        )
        fill(rotation.positions.get(number=1), "approved", sex="F", name=f"Người {number}")
    client.force_login(planner)
    with django_assert_max_num_queries(12):
        response = client.get("/units/rotations/")
    assert len(response.context["table"].page.object_list) == 30
    assert "1 / 3 / 3" in response.content.decode()


def test_the_export_holds_the_filtered_rotations(client, planner, rotations):
    client.force_login(planner)
    response = client.get("/units/rotations/?status=deployed&export=csv")
    text = response.content.decode()
    assert "Level-2 Field Hospital Rotation 4" in text
    assert "Rotation 5" not in text
    assert "0 / 3 / 3" in text


def test_the_export_tells_a_share_of_no_women_from_a_rotation_nobody_fills(
    client, planner, rotations, fill
):
    fill(rotations["l2-4"].positions.get(number=1), "deployed", sex="M")
    client.force_login(planner)
    text = client.get("/units/rotations/?export=csv").content.decode()
    rows = {line.split(",")[0]: line for line in text.splitlines()}
    assert "0 (0.0% / 15.00%)" in rows["Level-2 Field Hospital Rotation 4"]
    assert "0 (— / 15.00%)" in rows["Level-2 Field Hospital Rotation 5"]


# --- creating -------------------------------------------------------------------------------


def test_a_planner_creates_a_rotation_with_its_positions(client, planner, mod):
    kind = testing.unit_type(positions=3)
    mission = testing.mission()
    testing.rotation(mod["hospital"], number=6, unit_type=kind, mission=mission)
    client.force_login(planner)
    response = client.post("/units/rotations/add/", rotation_data(kind, mission, mod["hospital"]))
    rotation = Rotation.objects.get(number=7)
    assert response.url == f"/units/rotations/{rotation.pk}/"
    assert rotation.name == "Level-2 Field Hospital Rotation 7"
    assert rotation.target_strength == 3
    assert rotation.positions.count() == 3
    created = Position.history.filter(rotation_id=rotation.pk).first()
    assert created.history_user == planner


def test_unticking_generate_leaves_the_rotation_empty(client, planner, mod):
    kind = testing.unit_type(positions=3)
    client.force_login(planner)
    data = rotation_data(kind, testing.mission(), mod["hospital"], name="Advance party")
    del data["generate"]
    client.post("/units/rotations/add/", data)
    rotation = Rotation.objects.get(name="Advance party")
    assert not rotation.positions.exists()


def test_a_planner_records_the_second_flight_and_keeps_the_positions(client, planner, mod):
    rotation = testing.rotation(mod["hospital"], number=1)
    client.force_login(planner)
    data = rotation_data(
        rotation.unit_type,
        rotation.mission,
        mod["hospital"],
        number=1,
        name=rotation.name,
        status="deployed",
        planned_departure="2022-04-27",
        planned_return="2023-07-09",
        actual_departure="2022-04-27",
        second_departure="2022-05-10",
        target_strength=3,
    )
    data.update(versions.form_fields(rotation))
    response = client.post(f"/units/rotations/{rotation.pk}/edit/", data)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "second flight 2022-05-10" in page
    rotation.refresh_from_db()
    assert rotation.status == "deployed"
    assert rotation.positions.count() == 3


def test_a_rotation_being_changed_keeps_its_number_and_target(client, planner, mod):
    rotation = testing.rotation(mod["hospital"], number=1)
    testing.rotation(
        mod["hospital"], number=2, unit_type=rotation.unit_type, mission=rotation.mission
    )
    client.force_login(planner)
    form = client.get(f"/units/rotations/{rotation.pk}/edit/").context["form"]
    assert form.fields["number"].required and form.fields["target_strength"].required
    data = rotation_data(rotation.unit_type, rotation.mission, mod["hospital"], status="forming")
    response = client.post(f"/units/rotations/{rotation.pk}/edit/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"number", "target_strength"}
    rotation.refresh_from_db()
    assert (rotation.number, rotation.target_strength, rotation.status) == (1, 3, "planning")


def test_a_taken_number_is_refused_on_the_number_field(client, planner, mod):
    existing = testing.rotation(mod["hospital"], number=4, with_positions=False)
    client.force_login(planner)
    response = client.post(
        "/units/rotations/add/",
        rotation_data(existing.unit_type, existing.mission, mod["hospital"], number=4),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": ["This unit type already has a rotation with this number in this mission."]
    }
    assert Rotation.objects.count() == 1


def test_a_location_of_another_mission_is_refused(client, planner, mod):
    kind = testing.unit_type()
    abyei = Location.objects.create(mission=testing.mission("UNISFA"), name="Abyei")
    client.force_login(planner)
    response = client.post(
        "/units/rotations/add/",
        rotation_data(kind, testing.mission("UNMISS"), mod["hospital"], location=abyei.pk),
    )
    assert response.context["form"].errors == {
        "location": ["This location belongs to another mission."]
    }
    assert not Rotation.objects.exists()


def test_it_refuses_an_organisation_outside_the_users_scope(client, planner, mod, mps):
    kind = testing.unit_type()
    client.force_login(planner)
    response = client.post(
        "/units/rotations/add/", rotation_data(kind, testing.mission(), mps["police"])
    )
    assert "organisation" in response.context["form"].errors
    assert not Rotation.objects.exists()


def test_the_form_is_prefilled_from_the_mission_page_link(client, planner, mod):
    mission = testing.mission()
    client.force_login(planner)
    response = client.get(f"/units/rotations/add/?mission={mission.pk}")
    assert response.context["form"].initial["mission"] == str(mission.pk)


# --- the rotation page ----------------------------------------------------------------------


def test_the_page_shows_figures_holders_and_gaps(client, planner, mod, fill):
    rotation = testing.rotation(mod["hospital"], number=4)
    rotation.positions.get(number=1).languages.create(language=testing.language(), level=4)
    fill(rotation.positions.get(number=1), "approved", sex="F", name="Nguyễn Thị Hương")
    fill(rotation.positions.get(number=2), "withdrawn", sex="M", name="Trần Văn Bình")
    client.force_login(planner)
    response = client.get(f"/units/rotations/{rotation.pk}/")
    text = response.content.decode()
    figures = response.context["figures"]
    assert (figures.filled, figures.positions, figures.target, figures.gaps) == (1, 3, 3, 2)
    assert "Nguyễn Thị Hương" in text
    assert "Trần Văn Bình" not in text
    assert 'class="badge state-approved"' in text
    assert "English B2" in text
    assert text.count('data-testid="gap"') == 2
    gap = rotation.positions.get(number=2)
    assert f"/deployments/nominate/?position={gap.pk}" in text
    assert "text-danger" not in text.split('data-testid="women"')[0][-80:]


def test_each_position_links_to_its_history(client, planner, mod):
    rotation = testing.rotation(mod["hospital"], number=4)
    third = rotation.positions.get(number=3)
    client.force_login(planner)
    text = client.get(f"/units/rotations/{rotation.pk}/").content.decode()
    assert f'href="/units/positions/{third.pk}/history/"' in text
    history = client.get(f"/units/positions/{third.pk}/history/")
    assert history.status_code == 200
    assert history.context["object"] == third


def test_women_below_target_are_shown_in_red(client, planner, mod, fill):
    rotation = testing.rotation(mod["hospital"], target_women_share=50)
    fill(rotation.positions.get(number=1), "deployed", sex="M")
    client.force_login(planner)
    text = client.get(f"/units/rotations/{rotation.pk}/").content.decode()
    assert 'bb-figure text-danger" data-testid="women"' in text


def test_the_positions_can_be_narrowed_to_gaps_or_filled(client, planner, mod, fill):
    rotation = testing.rotation(mod["hospital"])
    fill(rotation.positions.get(number=2), "nominated")
    client.force_login(planner)
    url = f"/units/rotations/{rotation.pk}/"
    gaps = client.get(url + "?show=gaps").context["positions"]
    assert [p.number for p in gaps] == [1, 3]
    filled = client.get(url + "?show=filled").context["positions"]
    assert [p.number for p in filled] == [2]


def test_only_users_who_may_nominate_see_the_nominate_link(client, viewer, mod):
    rotation = testing.rotation(mod["hospital"])
    client.force_login(viewer)
    text = client.get(f"/units/rotations/{rotation.pk}/").content.decode()
    assert 'data-testid="gap"' in text
    assert "/deployments/nominate/" not in text
    assert f"/units/rotations/{rotation.pk}/edit/" not in text
    # A viewer reads each position's history, and nothing more of it.
    assert re.findall(r"/units/positions/[^\"']*", text) == [
        f"/units/positions/{position.pk}/history/" for position in rotation.positions.all()
    ]


def test_the_page_of_a_big_rotation_runs_as_many_queries_as_a_small_one(
    client, planner, mod, fill, django_assert_max_num_queries
):
    english = testing.language()
    engineers = testing.unit_type("engineers", positions=0, name="Engineering Company")
    sappers = engineers.positions.create(role="Sapper", count=184, rank_min=4, rank_max=9)
    sappers.languages.create(language=english, level=3)
    big = testing.rotation(mod["hospital"], unit_type=engineers, target_strength=184)
    for number in range(1, 41):
        fill(big.positions.get(number=number), "trained", sex="F" if number % 5 else "M")
    small = testing.rotation(mod["hospital"], number=2)
    fill(small.positions.get(number=1), "trained", name="Vũ Văn Tâm")
    client.force_login(planner)
    with django_assert_max_num_queries(20) as small_run:
        client.get(f"/units/rotations/{small.pk}/")
    with django_assert_max_num_queries(len(small_run.captured_queries)):
        response = client.get(f"/units/rotations/{big.pk}/")
    assert len(response.context["positions"]) == 184
    assert response.context["figures"].gaps == 144


def test_an_individual_post_goes_through_the_same_page(client, planner, mod):
    post = testing.unit_type(
        "staff-officer-unmiss", positions=1, name="Staff Officer UNMISS", is_individual_post=True
    )
    rotation = testing.rotation(mod["department"], unit_type=post, target_strength=1)
    client.force_login(planner)
    response = client.get(f"/units/rotations/{rotation.pk}/")
    assert response.status_code == 200
    assert response.context["figures"].positions == 1


def test_the_generate_button_fills_an_empty_rotation(client, planner, mod):
    rotation = testing.rotation(mod["hospital"], with_positions=False)
    client.force_login(planner)
    page = client.get(f"/units/rotations/{rotation.pk}/").content.decode()
    assert "generate-positions" in page
    response = client.post(f"/units/rotations/{rotation.pk}/generate-positions/", follow=True)
    assert "3 positions generated." in response.content.decode()
    assert rotation.positions.count() == 3
    again = client.post(f"/units/rotations/{rotation.pk}/generate-positions/", follow=True)
    assert "already has its positions" in again.content.decode()
    assert rotation.positions.count() == 3


# --- one position ---------------------------------------------------------------------------


def position_data(**overrides):
    data = {
        "number": "",
        "role": "Interpreter",
        "specialty": "",
        "rank_min": "",
        "rank_max": "",
        "notes": "",
        "languages-TOTAL_FORMS": 1,
        "languages-INITIAL_FORMS": 0,
        "languages-MIN_NUM_FORMS": 0,
        "languages-MAX_NUM_FORMS": 1000,
    }
    data.update(overrides)
    return data


def test_a_planner_adds_a_position_with_a_language(client, planner, mod):
    rotation = testing.rotation(mod["hospital"])
    english = testing.language()
    client.force_login(planner)
    form = client.get(f"/units/rotations/{rotation.pk}/positions/add/")
    assert form.context["form"].initial["number"] == 4
    response = client.post(
        f"/units/rotations/{rotation.pk}/positions/add/",
        position_data(number=4, **{"languages-0-language": english.pk, "languages-0-level": 5}),
    )
    assert response.url == f"/units/rotations/{rotation.pk}/"
    added = rotation.positions.get(number=4)
    assert [str(r) for r in added.languages.all()] == ["English C1"]


def test_a_taken_position_number_is_refused_on_the_field(client, planner, mod):
    rotation = testing.rotation(mod["hospital"])
    client.force_login(planner)
    response = client.post(
        f"/units/rotations/{rotation.pk}/positions/add/", position_data(number=2)
    )
    assert response.context["form"].errors == {
        "number": ["This rotation already has a position with this number."]
    }
    assert rotation.positions.count() == 3


def test_a_planner_edits_and_deletes_a_position(client, planner, mod):
    rotation = testing.rotation(mod["hospital"])
    third = rotation.positions.get(number=3)
    client.force_login(planner)
    data = {**position_data(number=3, role="Driver"), **versions.form_fields(third)}
    client.post(f"/units/positions/{third.pk}/edit/", data)
    third.refresh_from_db()
    assert third.role == "Driver"
    response = client.post(f"/units/positions/{third.pk}/delete/")
    assert response.url == f"/units/rotations/{rotation.pk}/"
    assert rotation.positions.count() == 2


def test_a_filled_position_cannot_be_deleted(client, planner, mod, fill):
    rotation = testing.rotation(mod["hospital"])
    first = rotation.positions.get(number=1)
    fill(first, "nominated")
    client.force_login(planner)
    response = client.post(f"/units/positions/{first.pk}/delete/", follow=True)
    assert "is still used by" in response.content.decode()
    assert Position.objects.filter(pk=first.pk).exists()


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/", "history/"])
def test_a_rotation_of_the_other_ministry_is_not_found(client, planner, mps, suffix):
    police = testing.rotation(mps["police"])
    client.force_login(planner)
    assert client.get(f"/units/rotations/{police.pk}/{suffix}").status_code == 404


def test_positions_of_the_other_ministry_are_not_found(client, planner, mps):
    police = testing.rotation(mps["police"])
    position = police.positions.first()
    client.force_login(planner)
    assert client.get(f"/units/positions/{position.pk}/edit/").status_code == 404
    assert client.post(f"/units/positions/{position.pk}/delete/").status_code == 404
    assert client.get(f"/units/rotations/{police.pk}/positions/add/").status_code == 404
    assert client.post(f"/units/rotations/{police.pk}/generate-positions/").status_code == 404
    assert police.positions.count() == 3


def test_a_viewer_cannot_change_rotations(client, viewer, mod):
    rotation = testing.rotation(mod["hospital"])
    client.force_login(viewer)
    data = rotation_data(rotation.unit_type, rotation.mission, mod["hospital"], number=9)
    assert client.post("/units/rotations/add/", data).status_code == 403
    assert client.post(f"/units/rotations/{rotation.pk}/edit/", data).status_code == 404
    assert client.post(f"/units/rotations/{rotation.pk}/delete/").status_code == 404
    position = rotation.positions.first()
    assert client.post(f"/units/positions/{position.pk}/edit/", position_data()).status_code == 404
    assert Rotation.objects.get().number == 1


def test_anonymous_users_are_sent_to_sign_in(client, mod):
    rotation = testing.rotation(mod["hospital"])
    response = client.get(f"/units/rotations/{rotation.pk}/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
