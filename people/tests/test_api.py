"""The people register over the REST API: scope, roles, validation, versions, filters, queries."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core import roles, testing
from core.testing import api
from people.models import (
    DrivingLicence,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Screening,
)
from people.tests.builders import with_documents


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), response["ETag"]


@pytest.fixture
def huong(mod):
    return testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F", rank=testing.rank())


@pytest.fixture
def officer(mps):
    return testing.person(mps["police"], "Phạm Công An", service="police")


def person_url(person):
    return reverse("api:person-detail", args=[person.pk])


# --- reading -------------------------------------------------------------------------------------


def test_a_viewer_reads_the_people_of_their_organisations_and_never_the_others(
    viewer, huong, officer
):
    client = api(viewer)

    listed = client.get(reverse("api:person-list")).json()
    body, etag = read(client, person_url(huong))

    assert [row["full_name"] for row in listed["results"]] == ["Nguyễn Thị Hương"]
    assert listed["count"] == 1
    assert body["organisation"] == huong.organisation_id
    assert body["display"] == "Nguyễn Thị Hương"
    assert etag.startswith('"')
    assert client.get(person_url(officer)).status_code == 404


def test_a_token_of_one_ministry_cannot_read_touch_or_delete_another_ministrys_person_by_id(
    police_officer_user, huong
):
    client = api(police_officer_user)
    url = person_url(huong)

    assert client.get(url).status_code == 404
    assert client.patch(url, {"notes": "x"}, HTTP_IF_MATCH="*").status_code == 404
    assert client.delete(url, HTTP_IF_MATCH="*").status_code == 404
    # The same answer as for an id that does not exist at all.
    assert client.get(reverse("api:person-detail", args=[huong.pk + 1000])).status_code == 404
    huong.refresh_from_db()
    assert huong.notes == ""


def test_it_answers_401_without_a_token_and_reads_with_the_browsers_session(viewer, huong):
    assert api().get(reverse("api:person-list")).status_code == 401
    browser = APIClient()
    browser.force_login(viewer)  # a session, as after the login page
    assert browser.get(person_url(huong)).status_code == 200


def test_a_refused_token_is_answered_401(huong):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(person_url(huong)).status_code == 401


def test_the_list_filters_like_the_register_page(viewer, mod, huong):
    testing.person(mod["hospital"], "Trần Văn Bình")
    client = api(viewer)

    by_name = client.get(reverse("api:person-list"), {"q": "nguyen thi huong"}).json()
    by_sex = client.get(reverse("api:person-list"), {"sex": "M"}).json()

    assert [row["id"] for row in by_name["results"]] == [huong.pk]
    assert [row["full_name"] for row in by_sex["results"]] == ["Trần Văn Bình"]


def test_a_filter_naming_another_ministrys_organisation_is_refused_as_an_unknown_choice(
    viewer, mps, huong
):
    response = api(viewer).get(reverse("api:person-list"), {"organisation": mps["police"].pk})
    assert response.status_code == 400
    assert "organisation" in response.json()


def test_the_list_is_paginated_and_a_script_may_ask_for_bigger_pages(viewer, mod, settings):
    for n in range(7):
        testing.person(mod["hospital"], f"Người {n}")
    client = api(viewer)

    first = client.get(reverse("api:person-list"), {"page_size": 3}).json()
    last = client.get(reverse("api:person-list"), {"page_size": 3, "page": 3}).json()

    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["next"] is not None
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_the_list_and_the_detail_cost_the_same_few_queries_for_many_rows(
    viewer, mod, django_assert_max_num_queries
):
    for n in range(30):
        testing.person(mod["hospital"], f"Người {n}", rank=testing.rank())
    client = api(viewer)
    client.get(reverse("api:person-list"))  # the token and permissions are cached per request

    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:person-list"), {"page_size": 30})
    assert len(response.json()["results"]) == 30
    with django_assert_max_num_queries(8):
        assert client.get(person_url(Person.objects.first())).status_code == 200


# --- writing -------------------------------------------------------------------------------------


def person_payload(mod, **changes):
    payload = {
        "organisation": mod["hospital"].pk,
        "service_number": "SN-77",
        "full_name": "Lê Thị Mai",
        "sex": "F",
        "date_of_birth": "1992-03-04",
        "service": "army",
        "rank": testing.rank().pk,
    }
    payload.update(changes)
    return payload


def test_a_viewer_cannot_add_change_or_delete(viewer, mod, huong):
    client = api(viewer)

    assert client.post(reverse("api:person-list"), person_payload(mod)).status_code == 403
    assert client.patch(person_url(huong), {"notes": "x"}, HTTP_IF_MATCH="*").status_code == 403
    assert client.delete(person_url(huong), HTTP_IF_MATCH="*").status_code == 403
    assert Person.objects.count() == 1


def test_a_personnel_officer_adds_changes_and_deletes_a_person(personnel_officer, mod):
    client = api(personnel_officer)

    created = client.post(reverse("api:person-list"), person_payload(mod))
    assert created.status_code == 201, created.content
    url = created.json()["url"]
    person = Person.objects.get(pk=created.json()["id"])
    assert person.latin_name == "LE THI MAI"  # filled as the form fills it
    assert person.history.first().history_user == personnel_officer

    body, etag = read(client, url)
    changed = client.patch(url, {"phone": "0912 345 678"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.content
    assert changed.json()["phone"] == "0912 345 678"
    assert changed["ETag"] != etag

    assert client.delete(url, HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()


def test_it_refuses_what_the_person_form_refuses_with_the_message_on_the_field(
    personnel_officer, mod
):
    client = api(personnel_officer)
    police_rank = testing.rank(service="police", name="Thiếu tá", grade=13)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()

    wrong_rank = client.post(reverse("api:person-list"), person_payload(mod, rank=police_rank.pk))
    unborn = client.post(reverse("api:person-list"), person_payload(mod, date_of_birth=tomorrow))

    assert wrong_rank.status_code == 400
    assert "rank" in wrong_rank.json()
    assert unborn.json() == {"date_of_birth": ["The date of birth is in the future."]}
    assert Person.objects.count() == 0


def test_a_service_number_taken_in_the_organisation_is_refused_on_its_field(
    personnel_officer, mod, huong
):
    response = api(personnel_officer).post(
        reverse("api:person-list"), person_payload(mod, service_number=huong.service_number)
    )
    assert response.status_code == 400
    assert response.json() == {
        "service_number": ["Another person of this organisation has this service number."]
    }


def test_a_person_cannot_be_placed_in_another_ministrys_organisation(personnel_officer, mod, mps):
    response = api(personnel_officer).post(
        reverse("api:person-list"), person_payload(mod, organisation=mps["police"].pk)
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["organisation"][0]
    assert Person.objects.count() == 0


def test_a_write_without_the_records_version_is_refused_with_428(personnel_officer, huong):
    response = api(personnel_officer).patch(person_url(huong), {"notes": "x"})
    assert response.status_code == 428
    huong.refresh_from_db()
    assert huong.notes == ""


def test_a_write_based_on_an_old_version_is_refused_with_412_and_changes_nothing(
    personnel_officer, huong
):
    client = api(personnel_officer)
    _, etag = read(client, person_url(huong))
    # Someone else changes the person meanwhile (through the page, the API or a command).
    huong.phone = "0900 000 000"
    huong.save()

    stale = client.put(
        person_url(huong),
        person_payload({"hospital": huong.organisation}, full_name="Nguyễn Hương"),
        HTTP_IF_MATCH=etag,
    )
    deleted = client.delete(person_url(huong), HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert deleted.status_code == 412
    huong.refresh_from_db()
    assert huong.full_name == "Nguyễn Thị Hương"


def test_deleting_a_person_still_used_is_refused_with_409(mod, huong):
    from deployments.models import Deployment

    rotation = testing.rotation(mod["hospital"])
    Deployment.objects.create(
        person=huong,
        position=rotation.positions.first(),
        starts_on=rotation.planned_departure,
        ends_on=rotation.planned_return,
    )
    admin = testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])
    client = api(admin)
    _, etag = read(client, person_url(huong))

    response = client.delete(person_url(huong), HTTP_IF_MATCH=etag)

    assert response.status_code == 409
    assert Person.objects.filter(pk=huong.pk).exists()


# --- documents -----------------------------------------------------------------------------------

TODAY = datetime.date.today()
DOCUMENTS = {
    "personlanguage": (
        PersonLanguage,
        lambda: {"language": testing.language("fr", "French").pk, "level": 3},
    ),
    "languagetestresult": (
        LanguageTestResult,
        lambda: {
            "language": testing.language().pk,
            "test_name": "IELTS",
            "tested_on": "2024-01-10",
            "score": "71.50",
        },
    ),
    "drivinglicence": (
        DrivingLicence,
        lambda: {"category": "C", "issued_on": "2015-02-01", "expires_on": "2035-02-01"},
    ),
    "passport": (
        Passport,
        lambda: {"number": "C7654321", "issued_on": "2020-02-01", "expires_on": "2030-02-01"},
    ),
    "medicalclearance": (
        MedicalClearance,
        lambda: {"examined_on": "2024-02-01", "result": "fit", "valid_until": "2025-02-01"},
    ),
    "screening": (
        Screening,
        lambda: {
            "kind": "human_rights",
            "status": "cleared",
            "screened_on": "2024-02-01",
            "screened_by": "Inspectorate",
        },
    ),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_are_read_in_scope_and_written_by_the_personnel_officer(
    name, viewer, personnel_officer, police_officer_user, huong, officer
):
    model, payload = DOCUMENTS[name]
    with_documents(huong)
    with_documents(officer)
    mine = model.objects.filter(person=huong).first()
    theirs = model.objects.filter(person=officer).first()
    list_url = reverse(f"api:{name}-list")

    listed = api(viewer).get(list_url).json()
    assert {row["person"] for row in listed["results"]} == {huong.pk}
    assert api(viewer).get(reverse(f"api:{name}-detail", args=[theirs.pk])).status_code == 404
    assert (
        api(police_officer_user).get(reverse(f"api:{name}-detail", args=[mine.pk])).status_code
        == 404
    )
    assert api(viewer).post(list_url, {"person": huong.pk, **payload()}).status_code == 403

    writer = api(personnel_officer)
    if name == "personlanguage":
        PersonLanguage.objects.filter(person=huong, language__code="fr").delete()
    created = writer.post(list_url, {"person": huong.pk, **payload()})
    assert created.status_code == 201, created.content
    url = created.json()["url"]
    _, etag = read(writer, url)
    assert writer.delete(url, HTTP_IF_MATCH=etag).status_code == 204

    # A document for a person of another ministry: that person "does not exist".
    refused = writer.post(list_url, {"person": officer.pk, **payload()})
    assert refused.status_code == 400
    assert "does not exist" in refused.json()["person"][0]


def test_a_document_refused_by_its_model_says_why_on_the_field(personnel_officer, huong):
    response = api(personnel_officer).post(
        reverse("api:passport-list"),
        {"person": huong.pk, "number": "B1", "issued_on": "2020-01-01", "expires_on": "2019-01-01"},
    )
    assert response.status_code == 400
    assert response.json() == {"expires_on": ["The passport must expire after it is issued."]}


def test_documents_filter_by_person(viewer, mod, huong):
    other = testing.person(mod["hospital"], "Trần Văn Bình")
    with_documents(huong)
    with_documents(other)

    rows = api(viewer).get(reverse("api:passport-list"), {"person": other.pk}).json()["results"]

    assert {row["person"] for row in rows} == {other.pk}


def test_the_catalogues_are_read_by_all_and_written_by_administrators(viewer, mod):
    rank = testing.rank()
    admin = testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])
    payload = {"service": "navy", "name": "Đại úy Hải quân", "grade": 12}

    assert api(viewer).get(reverse("api:rank-detail", args=[rank.pk])).status_code == 200
    assert api(viewer).post(reverse("api:rank-list"), payload).status_code == 403
    assert api(admin).post(reverse("api:rank-list"), payload).status_code == 201
    assert api(admin).post(reverse("api:rank-list"), payload).status_code == 400  # taken
