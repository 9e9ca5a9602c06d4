"""The nomination page: find a person for one position and put them forward."""

import datetime

import pytest

from core import testing
from deployments import workflow
from deployments.models import Deployment, State, Transition


def url(position, **params):
    query = "&".join(f"{key}={value}" for key, value in {"position": position.pk, **params}.items())
    return f"/deployments/nominate/?{query}"


@pytest.fixture
def position(rotation):
    first = rotation.positions.first()
    first.specialty = testing.specialty()
    first.rank_min, first.rank_max = 11, 13
    first.save()
    first.languages.create(language=testing.language(), level=4)
    return first


def test_it_shows_the_position_and_what_it_asks_for(client, planner, position):
    client.force_login(planner)

    response = client.get(url(position))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Level-2 Field Hospital Rotation 4" in text
    assert "Role 1" in text
    assert "Surgeon" in text
    assert "OF-1 – OF-3" in text
    assert "English B2" in text
    assert 'value="2022-04-27"' in text and 'value="2023-07-09"' in text


def test_it_lists_people_of_the_users_organisations_only(
    client, planner, position, surgeon, foreign_deployment
):
    client.force_login(planner)

    text = client.get(url(position)).content.decode()

    assert "Nguyễn Thị Hương" in text
    assert "Phạm Công An" not in text


def test_the_search_folds_diacritics_and_answers_a_partial_to_htmx(
    client, planner, position, surgeon, mod
):
    testing.person(mod["hospital"], "Trần Văn Bình")
    client.force_login(planner)

    response = client.get(url(position, q="huong"), HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert "<html" not in text
    assert 'data-testid="candidates"' in text
    assert "Nguyễn Thị Hương" in text
    assert "Trần Văn Bình" not in text


def test_the_search_finds_a_service_number_but_never_the_other_ministry(
    client, planner, position, foreign_deployment
):
    client.force_login(planner)
    number = foreign_deployment.person.service_number

    text = client.get(url(position, q=number), HTTP_HX_REQUEST="true").content.decode()

    assert "Phạm Công An" not in text
    assert "No one in your register matches." in text


def test_the_picker_lists_at_most_twenty_people_without_per_row_queries(
    client, planner, position, mod, django_assert_max_num_queries
):
    for index in range(30):
        testing.person(mod["hospital"], f"Lê Văn {index:02d}", rank=testing.rank())
    client.force_login(planner)

    with django_assert_max_num_queries(7):
        response = client.get(url(position, q="le van"), HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert text.count("<tr data-person=") == 20
    assert "Showing the first 20" in text


def test_people_of_the_positions_specialty_come_first_and_busy_ones_are_marked(
    client, planner, position, surgeon, mod, rotation
):
    busy = testing.person(mod["hospital"], "An Bận Rộn")
    workflow.nominate(busy, rotation.positions.last(), by=planner)
    client.force_login(planner)

    text = client.get(url(position)).content.decode()

    rows = text.split("<tr data-person=")[1:]
    assert "Nguyễn Thị Hương" in rows[0]
    busy_row = next(row for row in rows if "An Bận Rộn" in row)
    assert "Busy" in busy_row
    assert "Busy" not in rows[0]


def test_nominating_goes_back_to_the_rotation_with_a_message(client, planner, position, surgeon):
    client.force_login(planner)

    response = client.post(
        url(position),
        {
            "person": surgeon.pk,
            "starts_on": "2022-04-27",
            "ends_on": "2023-07-09",
            "note": "Chief surgeon",
        },
    )

    assert response.status_code == 302
    assert response.url == position.rotation.get_absolute_url()
    deployment = Deployment.objects.get()
    assert (deployment.person, deployment.position, deployment.state) == (
        surgeon,
        position,
        State.NOMINATED,
    )
    assert deployment.transitions.get().note == "Chief surgeon"
    follow = client.get(response.url)
    assert "Nguyễn Thị Hương is nominated for 1. Role 1." in follow.content.decode()


def test_empty_dates_take_the_rotations(client, planner, position, surgeon):
    client.force_login(planner)
    client.post(url(position), {"person": surgeon.pk, "starts_on": "", "ends_on": ""})
    deployment = Deployment.objects.get()
    assert (deployment.starts_on, deployment.ends_on) == (
        datetime.date(2022, 4, 27),
        datetime.date(2023, 7, 9),
    )


def test_a_refused_nomination_shows_why_and_changes_nothing(
    client, planner, position, surgeon, mod
):
    workflow.nominate(testing.person(mod["hospital"], "Trần Văn Bình"), position, by=planner)
    client.force_login(planner)

    response = client.post(
        url(position), {"person": surgeon.pk, "starts_on": "2022-01-01", "ends_on": ""}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "is already filled by Trần Văn Bình" in text
    assert 'data-field="starts_on">2022-01-01 is before the rotation departs' in text
    assert Deployment.objects.count() == 1
    assert Transition.objects.count() == 1


def test_it_refuses_a_person_of_the_other_ministry(client, planner, position, foreign_deployment):
    client.force_login(planner)

    response = client.post(url(position), {"person": foreign_deployment.person.pk})

    assert "This person is not in the register you may see." in response.content.decode()
    assert Deployment.objects.filter(position=position).count() == 0


def test_a_viewer_may_not_nominate(client, viewer, position, surgeon):
    client.force_login(viewer)
    assert client.get(url(position)).status_code == 403
    assert client.post(url(position), {"person": surgeon.pk}).status_code == 403
    assert not Deployment.objects.exists()


def test_a_position_of_the_other_ministry_is_missing(client, planner, foreign_deployment):
    client.force_login(planner)
    assert client.get(url(foreign_deployment.position)).status_code == 404
    assert client.get("/deployments/nominate/").status_code == 404
    assert client.get("/deployments/nominate/?position=abc").status_code == 404


def test_a_search_with_a_nul_character_is_ignored(client, planner, position, surgeon):
    # It used to reach the database, where PostgreSQL fails on it (a 500); without a search
    # the page offers its usual candidates.
    client.force_login(planner)

    response = client.get("/deployments/nominate/", {"position": position.pk, "q": "huong\x00"})

    assert response.status_code == 200
    assert response.context["query"] == ""


@pytest.mark.parametrize("digits", ["²", "٣", str(2**63)])
def test_a_position_id_in_other_digits_or_too_long_is_missing(client, planner, position, digits):
    # "²" passed the page's isdigit() check and then failed int() (a 500).
    client.force_login(planner)

    assert client.get("/deployments/nominate/", {"position": digits}).status_code == 404
