"""The other ministry's people are invisible: by id, in the list, in search and in exports."""

import datetime

import pytest

from core import testing
from people.models import Passport, Person


@pytest.fixture
def soldier(mod):
    return testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="175-0420")


@pytest.fixture
def police(mps):
    return testing.person(mps["police"], "Lê Văn Công", service="police")


def test_a_user_of_the_other_ministry_gets_404_for_a_person_by_id(
    client, soldier, police, police_officer_user
):
    client.force_login(police_officer_user)
    assert client.get(f"/people/{police.pk}/").status_code == 200
    for suffix in ["", "edit/", "delete/", "history/"]:
        assert client.get(f"/people/{soldier.pk}/{suffix}").status_code == 404


def test_a_user_of_the_other_ministry_does_not_see_them_listed_searched_or_exported(
    client, soldier, police, police_officer_user
):
    client.force_login(police_officer_user)
    listed = client.get("/people/").content.decode()
    assert "Lê Văn Công" in listed and "Nguyễn Thị Hương" not in listed
    for query in ["nguyen thi huong", "175-0420"]:
        found = client.get("/people/", {"q": query})
        assert found.context["table"].paginator.count == 0
    for fmt in ["csv", "xlsx"]:
        exported = client.get("/people/", {"export": fmt, "q": "nguyen"})
        assert b"Nguy" not in exported.content
    assert "Nguyễn Thị Hương" not in client.get("/people/", {"export": "csv"}).content.decode()


def test_a_user_of_the_other_ministry_gets_404_for_documents_of_a_person_out_of_scope(
    client, soldier, police_officer_user
):
    passport = Passport.objects.create(
        person=soldier, number="C1", expires_on=datetime.date(2030, 1, 1)
    )
    client.force_login(police_officer_user)
    add = f"/people/{soldier.pk}/passports/add/"
    assert client.get(add).status_code == 404
    data = {"number": "C2", "kind": "official", "expires_on": "2031-01-01"}
    assert client.post(add, data).status_code == 404
    for suffix in ["edit/", "delete/", "history/"]:
        url = f"/people/{soldier.pk}/passports/{passport.pk}/{suffix}"
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert list(Passport.objects.values_list("number", flat=True)) == ["C1"]


def test_a_viewer_can_neither_add_nor_change_people_or_documents(client, mod, soldier, viewer):
    client.force_login(viewer)
    assert client.get(f"/people/{soldier.pk}/").status_code == 200
    assert client.get("/people/add/").status_code == 403
    assert client.post(f"/people/{soldier.pk}/edit/", {"full_name": "X"}).status_code == 404
    assert client.post(f"/people/{soldier.pk}/delete/").status_code == 404
    data = {"number": "C2", "kind": "official", "expires_on": "2031-01-01"}
    assert client.post(f"/people/{soldier.pk}/passports/add/", data).status_code in (403, 404)
    assert Person.objects.get().full_name == "Nguyễn Thị Hương"
    assert not Passport.objects.exists()


def test_a_planner_sees_people_without_an_add_button(client, soldier, planner):
    client.force_login(planner)
    response = client.get("/people/")
    assert response.status_code == 200
    assert response.context["can_add"] is False
