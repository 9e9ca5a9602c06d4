"""Requirements as data: administrators list, filter, add and change them; bad input is refused
on the field, nothing saved.
"""

import pytest

from core import testing
from planning.models import Requirement
from planning.testing import cptm_course

pytestmark = pytest.mark.usefixtures("no_requirements")
URL = "/planning/requirements/"


def test_it_lists_requirements_with_what_they_ask_whom_and_the_source(client, requirement_admin):
    Requirement.objects.create(kind="age", min_age=25, max_age=62, category="ipo", source="AMS")
    client.force_login(requirement_admin)

    text = client.get(URL).content.decode()

    assert "Aged 25–62 on departure" in text
    assert "Individual police officer" in text
    assert "AMS" in text


def test_it_filters_by_kind_and_by_scope(client, requirement_admin, mod):
    mission = testing.mission()
    Requirement.objects.create(kind="medical", source="src-everyone")
    Requirement.objects.create(kind="medical", mission=mission, margin_months=1, source="src-m")
    Requirement.objects.create(kind="age", min_age=25, category="expert", source="src-observers")
    client.force_login(requirement_admin)

    medical = client.get(URL, {"kind": "medical"}).content.decode()
    everyone = client.get(URL, {"scope": "all"}).content.decode()
    by_mission = client.get(URL, {"scope": "mission"}).content.decode()

    assert "src-everyone" in medical and "src-m<" in medical and "src-observers" not in medical
    assert "src-everyone" in everyone and "src-m<" not in everyone
    assert "src-observers" not in everyone
    assert "src-m<" in by_mission and "src-everyone" not in by_mission


def test_the_list_runs_a_fixed_number_of_queries(
    client, requirement_admin, django_assert_max_num_queries
):
    course = cptm_course()
    language = testing.language()
    mission = testing.mission()
    for index in range(10):
        Requirement.objects.create(kind="course", course=course, source=f"c{index}")
        Requirement.objects.create(
            kind="language", language=language, language_level=4, mission=mission, source="l"
        )
        Requirement.objects.create(kind="passport", margin_months=index, source="p")
    client.force_login(requirement_admin)

    with django_assert_max_num_queries(12):
        response = client.get(URL)

    assert response.content.decode().count("English B2 or above") == 10


def add(client, **fields):
    data = {"kind": "", "source": "Department order 12/2026", "licence_held_months": 0}
    data.update({"margin_months": 0, **fields})
    return client.post(f"{URL}add/", data)


def field_errors(response, field):
    text = response.content.decode()
    marker = f'data-field="{field}">'
    return [part.split("<")[0] for part in text.split(marker)[1:]]


def test_a_course_requirement_naming_a_missing_course_is_refused_on_the_course(
    client, requirement_admin
):
    client.force_login(requirement_admin)

    missing = add(client, kind="course", course=987654)
    empty = add(client, kind="course")

    assert field_errors(missing, "course") == ["This course is not in the catalogue."]
    assert field_errors(empty, "course") == ["This kind of requirement needs this field."]
    assert not Requirement.objects.exists()


def test_fields_a_kind_does_not_use_are_refused_where_they_were_typed(client, requirement_admin):
    client.force_login(requirement_admin)

    response = add(client, kind="passport", margin_months=6, min_years=5, rank_min=11)

    assert field_errors(response, "min_years") == [
        "A requirement of this kind does not use this field."
    ]
    assert field_errors(response, "rank_min") == [
        "A requirement of this kind does not use this field."
    ]
    assert not Requirement.objects.exists()


def test_one_scope_at_most_and_ranges_the_right_way_round(client, requirement_admin):
    client.force_login(requirement_admin)

    two_scopes = add(client, kind="medical", mission=testing.mission().pk, category="ipo")
    ages = add(client, kind="age", min_age=40, max_age=30)

    assert field_errors(two_scopes, "category") == [
        "A requirement applies to one position, unit type, mission or category."
    ]
    assert field_errors(ages, "max_age") == ["The maximum age is below the minimum."]
    assert not Requirement.objects.exists()


def test_an_administrator_adds_a_requirement_and_the_history_names_them(client, requirement_admin):
    client.force_login(requirement_admin)

    response = add(
        client, kind="licence", licence_category="B", licence_held_months=12, category="ipo"
    )

    made = Requirement.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert str(made) == "Category B driving licence held 12 months"
    history = client.get(f"{URL}{made.pk}/history/").content.decode()
    assert "req-admin" in history
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Department order 12/2026" in page


def test_the_position_choice_offers_only_the_users_rotations(client, requirement_admin, mps):
    police_rotation = testing.rotation(mps["police"], number=7)
    client.force_login(requirement_admin)

    response = add(client, kind="medical", position=police_rotation.positions.first().pk)

    assert field_errors(response, "position") == [
        "This position does not exist or is out of reach."
    ]


def test_everyone_reads_requirements_but_only_an_administrator_adds(client, viewer, planner):
    Requirement.objects.create(kind="medical", source="src-shown")

    for user in (viewer, planner):
        client.force_login(user)
        assert "src-shown" in client.get(URL).content.decode()
        assert client.get(f"{URL}add/").status_code == 403
        assert add(client, kind="medical").status_code == 403
    assert Requirement.objects.count() == 1
