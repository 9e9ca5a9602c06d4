"""The list of deployments: what it shows, how it filters and exports, and to whom."""

import csv
import datetime
import io

import openpyxl
import pytest

from core import testing
from deployments import workflow
from deployments.models import State

URL = "/deployments/"


def shown(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_deployments_with_person_rotation_and_a_state_badge(client, planner, nominated):
    client.force_login(planner)

    text = shown(client)

    person = nominated.person
    assert person.full_name in text
    assert person.service_number in text
    assert f'href="{person.get_absolute_url()}"' in text
    assert f'href="{nominated.position.rotation.get_absolute_url()}"' in text
    assert "Level-2 Field Hospital Rotation 4" in text
    assert "UNMISS" in text
    assert '<span class="badge state-nominated">Nominated</span>' in text
    assert f'href="{nominated.get_absolute_url()}"' in text


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, planner, company, django_assert_max_num_queries
):
    client.force_login(planner)
    rotation, deployments = company
    for deployment in deployments[:10]:
        workflow.transition(deployment, State.SCREENED, by=planner)

    with django_assert_max_num_queries(14):
        response = client.get(URL)

    text = response.content.decode()
    assert all(d.person.service_number in text for d in deployments)
    assert text.count('class="badge state-screened"') == 10


def test_it_leaves_out_the_other_ministrys_deployments_from_the_list_and_exports(
    client, planner, nominated, foreign_deployment
):
    client.force_login(planner)

    page = shown(client)
    exported = client.get(URL, {"export": "csv"}).content.decode()

    for text in (page, exported):
        assert nominated.person.service_number in text
        assert foreign_deployment.person.service_number not in text
        assert "Phạm Công An" not in text


def test_the_police_see_only_their_own_deployments(
    client, police_officer_user, nominated, foreign_deployment
):
    client.force_login(police_officer_user)
    text = shown(client)
    assert "Phạm Công An" in text
    assert nominated.person.full_name not in text


def test_it_exports_the_filtered_rows_as_csv_with_plain_states(client, planner, company, nominated):
    client.force_login(planner)

    response = client.get(URL, {"mission": company[0].mission.pk, "export": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 35
    assert {row["State"] for row in rows} == {"Nominated"}
    assert {row["Mission"] for row in rows} == {"UNISFA"}
    assert nominated.person.full_name not in response.content.decode()


def test_it_exports_the_filtered_rows_as_excel(client, planner, nominated, company):
    client.force_login(planner)

    response = client.get(URL, {"q": "huong", "export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Person"
    assert [row[0] for row in values[1:]] == ["Nguyễn Thị Hương"]


@pytest.mark.parametrize("query", ["huong", "NGUYEN THI", "Hương"])
def test_it_finds_a_person_by_name_with_or_without_diacritics(
    client, planner, nominated, company, query
):
    client.force_login(planner)
    text = shown(client, q=query)
    assert "Nguyễn Thị Hương" in text
    assert "Kỹ sư 01" not in text


def test_it_finds_a_person_by_service_number(client, planner, nominated, company):
    client.force_login(planner)
    wanted = company[1][7].person
    text = shown(client, q=wanted.service_number.lower())
    assert wanted.full_name in text
    assert "Nguyễn Thị Hương" not in text


def test_it_filters_by_state_mission_rotation_category_sex_and_year(
    client, planner, nominated, company, mod
):
    client.force_login(planner)
    workflow.transition(nominated, State.SCREENED, by=planner)
    rotation = nominated.position.rotation
    hospital = "Nguyễn Thị Hương"

    assert hospital in shown(client, state="screened")
    assert "Kỹ sư" not in shown(client, state="screened")
    assert hospital not in shown(client, state="nominated")
    assert hospital in shown(client, rotation=rotation.pk)
    assert "Kỹ sư" not in shown(client, rotation=rotation.pk)
    assert hospital not in shown(client, mission=company[0].mission.pk)
    assert "Kỹ sư 05" in shown(client, sex="F")
    assert "Kỹ sư 01" not in shown(client, sex="F")
    assert hospital in shown(client, year=2022)
    assert hospital not in shown(client, year=2021)
    assert hospital in shown(client, category="troops")
    assert hospital not in shown(client, category="fpu")


def test_it_filters_by_organisation_including_those_below(client, planner, nominated, mod):
    client.force_login(planner)
    staff = testing.organisation("Staff Branch", mod["department"])

    assert "Nguyễn Thị Hương" in shown(client, organisation=mod["department"].pk)
    assert "Nguyễn Thị Hương" not in shown(client, organisation=staff.pk)


def test_the_organisation_filter_does_not_offer_the_other_ministry(
    client, planner, nominated, foreign_deployment, mps
):
    client.force_login(planner)
    text = shown(client)
    assert ">PPU<" not in text and ">MPS<" not in text
    assert ">H175<" in text
    assert "Formed Police Unit Rotation 1" not in text
    assert ">Level-2 Field Hospital Rotation 4<" in text
    # A hand-made filter on the other ministry is not a valid choice: it opens nothing.
    assert "Phạm Công An" not in shown(client, organisation=mps["police"].pk)


def test_it_filters_who_was_on_mission_on_a_date(client, planner, nominated, advance, mod):
    client.force_login(planner)
    advance(nominated, State.DEPLOYED)
    workflow.transition(
        nominated, State.REPATRIATED, by=planner, on_date=datetime.date(2023, 1, 15)
    )
    other = testing.person(mod["hospital"], "Đỗ Minh Châu")
    waiting = workflow.nominate(other, nominated.position.rotation.positions.last(), by=planner)

    on_the_day = shown(client, on_mission="2023-01-15")
    after_return = shown(client, on_mission="2023-01-16")

    assert "Nguyễn Thị Hương" in on_the_day
    assert waiting.person.full_name not in on_the_day
    assert "Nguyễn Thị Hương" not in after_return
