"""Adding, changing and deleting a person's documents from the person page."""

import datetime

import pytest

from core import testing, versions
from people.models import LanguageTestResult, Passport, PersonLanguage


@pytest.fixture
def huong(mod):
    return testing.person(mod["hospital"], "Nguyễn Thị Hương")


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    ("slug", "data", "model_name"),
    [
        ("languages", lambda: {"language": testing.language().pk, "level": 4}, "languages"),
        (
            "language-tests",
            lambda: {
                "language": testing.language().pk,
                "test_name": "UN AMS",
                "tested_on": "2024-03-01",
                "score": "64",
            },
            "language_tests",
        ),
        (
            "driving-licences",
            lambda: {"category": "B", "issued_on": "2012-01-01"},
            "driving_licences",
        ),
        (
            "passports",
            lambda: {"number": "C1234567", "kind": "official", "expires_on": "2030-01-01"},
            "passports",
        ),
        (
            "medical-clearances",
            lambda: {"examined_on": "2024-01-01", "result": "fit", "valid_until": "2025-01-01"},
            "medical_clearances",
        ),
        (
            "screenings",
            lambda: {
                "kind": "misconduct",
                "status": "cleared",
                "screened_on": "2024-01-01",
                "screened_by": "Inspectorate",
            },
            "screenings",
        ),
    ],
)
def test_a_personnel_officer_adds_each_kind_of_document_and_returns_to_the_person(
    client, huong, personnel_officer, slug, data, model_name
):
    client.force_login(personnel_officer)
    response = client.post(f"/people/{huong.pk}/{slug}/add/", data())
    assert response.status_code == 302
    assert response.url == f"/people/{huong.pk}/"
    assert getattr(huong, model_name).count() == 1


def test_it_edits_and_deletes_a_passport(client, huong, personnel_officer):
    passport = Passport.objects.create(
        person=huong, number="C1", expires_on=datetime.date(2030, 1, 1)
    )
    client.force_login(personnel_officer)
    edit = f"/people/{huong.pk}/passports/{passport.pk}/edit/"
    assert client.get(edit).status_code == 200
    data = {"number": "C2", "kind": "ordinary", "expires_on": "2031-01-01"}
    response = client.post(edit, {**data, **versions.form_fields(passport)})
    assert response.url == f"/people/{huong.pk}/"
    passport.refresh_from_db()
    assert (passport.number, passport.kind) == ("C2", "ordinary")
    response = client.post(f"/people/{huong.pk}/passports/{passport.pk}/delete/")
    assert response.url == f"/people/{huong.pk}/"
    assert not huong.passports.exists()


def test_it_records_who_changed_a_document(client, huong, personnel_officer):
    passport = Passport.objects.create(
        person=huong, number="C1", expires_on=datetime.date(2030, 1, 1)
    )
    client.force_login(personnel_officer)
    client.post(
        f"/people/{huong.pk}/passports/{passport.pk}/edit/",
        {
            "number": "C2",
            "kind": "official",
            "expires_on": "2030-01-01",
            **versions.form_fields(passport),
        },
    )
    history = client.get(f"/people/{huong.pk}/passports/{passport.pk}/history/")
    text = history.content.decode()
    assert personnel_officer.username in text and "C2" in text


def test_it_refuses_an_expiry_before_issue_on_the_expiry_field_and_saves_nothing(
    client, huong, personnel_officer
):
    client.force_login(personnel_officer)
    response = client.post(
        f"/people/{huong.pk}/passports/add/",
        {"number": "C1", "kind": "official", "issued_on": "2020-01-01", "expires_on": "2019-01-01"},
    )
    assert response.status_code == 200
    assert field_errors(response, "expires_on") == ["The passport must expire after it is issued."]
    assert 'data-field="expires_on"' in response.content.decode()
    assert not Passport.objects.exists()


def test_it_refuses_a_score_above_100_on_the_score_field(client, huong, personnel_officer):
    client.force_login(personnel_officer)
    response = client.post(
        f"/people/{huong.pk}/language-tests/add/",
        {
            "language": testing.language().pk,
            "test_name": "UN AMS",
            "tested_on": "2024-03-01",
            "score": "140",
        },
    )
    assert field_errors(response, "score") == ["A score lies between 0 and 100."]
    assert not LanguageTestResult.objects.exists()


def test_it_refuses_the_same_language_twice_on_the_language_field(client, huong, personnel_officer):
    english = testing.language()
    PersonLanguage.objects.create(person=huong, language=english, level=3)
    client.force_login(personnel_officer)
    response = client.post(
        f"/people/{huong.pk}/languages/add/", {"language": english.pk, "level": 5}
    )
    assert response.status_code == 200
    assert field_errors(response, "language")
    assert huong.languages.get().level == 3


def test_it_refuses_a_passport_number_already_recorded_on_the_number_field(
    client, mod, huong, personnel_officer
):
    other = testing.person(mod["hospital"], "Lê Văn Công")
    Passport.objects.create(person=other, number="C1", expires_on=datetime.date(2030, 1, 1))
    client.force_login(personnel_officer)
    response = client.post(
        f"/people/{huong.pk}/passports/add/",
        {"number": "C1", "kind": "official", "expires_on": "2031-01-01"},
    )
    assert field_errors(response, "number")
    assert not huong.passports.exists()


def test_it_answers_404_for_a_document_of_another_person_under_this_persons_url(
    client, mod, huong, personnel_officer
):
    other = testing.person(mod["hospital"], "Lê Văn Công")
    passport = Passport.objects.create(
        person=other, number="C1", expires_on=datetime.date(2030, 1, 1)
    )
    client.force_login(personnel_officer)
    url = f"/people/{huong.pk}/passports/{passport.pk}/edit/"
    assert (
        client.post(
            url, {"number": "X", "kind": "official", "expires_on": "2031-01-01"}
        ).status_code
        == 404
    )
    passport.refresh_from_db()
    assert passport.number == "C1"


def test_it_sends_an_anonymous_visitor_to_sign_in(client, huong):
    response = client.get(f"/people/{huong.pk}/passports/add/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
