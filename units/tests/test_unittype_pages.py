"""Unit types: the list with establishments, a type's table of positions and its rows."""

import re

import pytest

from core import testing, versions
from units.models import UnitType, UnitTypePosition


def table_row_data(**overrides):
    """POST data of a table row with an empty language formset (prefix "languages")."""
    data = {
        "order": 10,
        "count": 1,
        "role": "Surgeon",
        "specialty": "",
        "rank_min": "",
        "rank_max": "",
        "notes": "",
        "languages-TOTAL_FORMS": 2,
        "languages-INITIAL_FORMS": 0,
        "languages-MIN_NUM_FORMS": 0,
        "languages-MAX_NUM_FORMS": 1000,
    }
    data.update(overrides)
    return data


@pytest.fixture
def hospital_type(db):
    kind = testing.unit_type(positions=0)
    kind.positions.create(order=1, role="Director", count=1, rank_min=14, rank_max=15)
    surgeons = kind.positions.create(order=2, role="Surgeon", count=4)
    surgeons.languages.create(language=testing.language(), level=4)
    kind.positions.create(order=3, role="Nurse", count=20, notes="Of whom at least 6 women")
    return kind


def test_the_list_shows_the_establishment_of_each_type(client, planner, hospital_type):
    testing.unit_type("staff-officer", positions=1, name="Staff officer", is_individual_post=True)
    client.force_login(planner)
    response = client.get("/units/unit-types/")
    sizes = {row.name: row.establishment_size for row in response.context["table"].data}
    assert sizes == {"Level-2 Field Hospital": 25, "Staff officer": 1}


def test_the_list_filters_individual_posts(client, planner, hospital_type):
    testing.unit_type("observer", positions=1, name="Military observer", is_individual_post=True)
    client.force_login(planner)
    response = client.get("/units/unit-types/?is_individual_post=true")
    assert [row.name for row in response.context["table"].data] == ["Military observer"]


def test_the_list_runs_a_bounded_number_of_queries(client, planner, django_assert_max_num_queries):
    for n in range(30):
        testing.unit_type(f"type-{n}", positions=3, name=f"Type {n:02d}")
    client.force_login(planner)
    with django_assert_max_num_queries(10):
        response = client.get("/units/unit-types/")
    assert len(response.context["table"].page.object_list) == 30


def test_the_page_shows_the_table_of_positions(client, planner, hospital_type, mod):
    testing.rotation(mod["hospital"], number=5, unit_type=hospital_type)
    client.force_login(planner)
    response = client.get(f"/units/unit-types/{hospital_type.pk}/")
    text = response.content.decode()
    assert response.context["establishment"] == 25
    assert "OF-4 – OF-5" in text
    assert "English B2" in text
    assert "Of whom at least 6 women" in text
    assert "Level-2 Field Hospital Rotation 5" in text


def test_each_table_row_links_to_its_history(client, planner, hospital_type):
    nurses = hospital_type.positions.get(role="Nurse")
    client.force_login(planner)
    text = client.get(f"/units/unit-types/{hospital_type.pk}/").content.decode()
    assert f'href="/units/table-positions/{nurses.pk}/history/"' in text
    history = client.get(f"/units/table-positions/{nurses.pk}/history/")
    assert history.status_code == 200
    assert history.context["object"] == nurses


def test_the_page_runs_a_bounded_number_of_queries(
    client, planner, mod, django_assert_max_num_queries
):
    kind = testing.unit_type(positions=30)
    english = testing.language()
    for row in kind.positions.all():
        row.languages.create(language=english, level=3)
    for number in range(1, 6):
        testing.rotation(mod["hospital"], number=number, unit_type=kind)
    client.force_login(planner)
    with django_assert_max_num_queries(15):
        response = client.get(f"/units/unit-types/{kind.pk}/")
    assert len(response.context["rows"]) == 30


def test_a_planner_adds_a_table_row_with_its_languages(client, planner, hospital_type):
    english = testing.language("en", "English")
    french = testing.language("fr", "French")
    client.force_login(planner)
    form = client.get(f"/units/unit-types/{hospital_type.pk}/positions/add/")
    assert form.context["form"].initial["order"] == 13
    response = client.post(
        f"/units/unit-types/{hospital_type.pk}/positions/add/",
        table_row_data(
            order=13,
            role="Anaesthetist",
            count=2,
            rank_min=12,
            rank_max=13,
            **{
                "languages-0-language": english.pk,
                "languages-0-level": 4,
                "languages-1-language": french.pk,
                "languages-1-level": 2,
            },
        ),
    )
    assert response.status_code == 302
    row = hospital_type.positions.get(role="Anaesthetist")
    assert (row.count, row.rank_range) == (2, "OF-2 – OF-3")
    assert sorted(str(r) for r in row.languages.all()) == ["English B2", "French A2"]
    assert hospital_type.establishment == 27


def test_a_bad_table_row_changes_nothing(client, planner, hospital_type):
    english = testing.language()
    client.force_login(planner)
    response = client.post(
        f"/units/unit-types/{hospital_type.pk}/positions/add/",
        table_row_data(
            role="Anaesthetist",
            rank_min=14,
            rank_max=12,
            **{
                "languages-0-language": english.pk,
                "languages-0-level": 4,
            },
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rank_max": ["The highest rank is below the lowest."]
    }
    assert not hospital_type.positions.filter(role="Anaesthetist").exists()


def test_a_language_asked_twice_is_refused(client, planner, hospital_type):
    english = testing.language()
    client.force_login(planner)
    response = client.post(
        f"/units/unit-types/{hospital_type.pk}/positions/add/",
        table_row_data(
            role="Anaesthetist",
            **{
                "languages-0-language": english.pk,
                "languages-0-level": 4,
                "languages-1-language": english.pk,
                "languages-1-level": 3,
            },
        ),
    )
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not hospital_type.positions.filter(role="Anaesthetist").exists()


def test_a_planner_edits_a_row_and_drops_a_language(client, planner, hospital_type):
    surgeons = hospital_type.positions.get(role="Surgeon")
    requirement = surgeons.languages.get()
    client.force_login(planner)
    response = client.post(
        f"/units/table-positions/{surgeons.pk}/edit/",
        table_row_data(
            order=2,
            role="Surgeon",
            count=5,
            **{
                "languages-TOTAL_FORMS": 1,
                "languages-INITIAL_FORMS": 1,
                "languages-0-id": requirement.pk,
                "languages-0-position": surgeons.pk,
                "languages-0-language": requirement.language_id,
                "languages-0-level": 4,
                "languages-0-DELETE": "on",
                **versions.form_fields(surgeons, requirement),
            },
        ),
    )
    assert response.status_code == 302
    surgeons.refresh_from_db()
    assert surgeons.count == 5
    assert not surgeons.languages.exists()


def test_a_planner_deletes_a_table_row(client, planner, hospital_type):
    nurses = hospital_type.positions.get(role="Nurse")
    client.force_login(planner)
    response = client.post(f"/units/table-positions/{nurses.pk}/delete/")
    assert response.url == f"/units/unit-types/{hospital_type.pk}/"
    assert not UnitTypePosition.objects.filter(pk=nurses.pk).exists()


def test_a_viewer_cannot_change_a_table(client, viewer, hospital_type):
    nurses = hospital_type.positions.get(role="Nurse")
    client.force_login(viewer)
    page = client.get(f"/units/unit-types/{hospital_type.pk}/").content.decode()
    # A viewer reads each row's history, and nothing more of it.
    assert re.findall(r"/units/table-positions/[^\"']*", page) == [
        f"/units/table-positions/{row.pk}/history/" for row in hospital_type.positions.all()
    ]
    url = f"/units/unit-types/{hospital_type.pk}/positions/add/"
    assert client.post(url, table_row_data()).status_code == 403
    assert client.post(f"/units/table-positions/{nurses.pk}/edit/").status_code == 404
    assert client.post(f"/units/table-positions/{nurses.pk}/delete/").status_code == 404
    assert hospital_type.positions.count() == 3
    assert UnitType.objects.count() == 1
