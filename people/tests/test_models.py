"""Rules of the people register, as the model enforces them for every form, import and API."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core import testing
from people.expiry import lapsed
from people.models import (
    DrivingLicence,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Screening,
)

TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


def errors_of(record):
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_it_fills_the_latin_name_and_the_folded_search_name(mod):
    person = testing.person(mod["hospital"], "Nguyễn Thị Hương")
    assert person.latin_name == "NGUYEN THI HUONG"
    assert person.search_name.startswith("nguyen thi huong")
    assert person.nationality == "Viet Nam"


def test_it_refuses_a_rank_of_another_service_on_the_rank_field(mod):
    police_rank = testing.rank("police", "Police Captain", 12)
    person = Person(
        organisation=mod["hospital"],
        service_number="A1",
        full_name="Lê Văn Tám",
        sex="M",
        date_of_birth=datetime.date(1990, 1, 1),
        service="army",
        rank=police_rank,
    )
    assert "rank" in errors_of(person)


def test_it_refuses_a_service_number_taken_in_the_same_organisation_on_the_field(mod):
    first = testing.person(mod["hospital"], service_number="175-001")
    twin = Person(
        organisation=mod["hospital"],
        service_number=first.service_number,
        full_name="Phạm Văn Hai",
        sex="M",
        date_of_birth=datetime.date(1991, 1, 1),
        service="army",
    )
    assert errors_of(twin)["service_number"] == [
        "Another person of this organisation has this service number."
    ]


def test_it_allows_the_same_service_number_in_another_organisation(mod):
    testing.person(mod["hospital"], service_number="175-001")
    other = testing.person(mod["department"], service_number="175-001")
    other.full_clean()


def test_it_counts_age_and_years_of_service_in_completed_years(mod):
    person = testing.person(
        mod["hospital"],
        date_of_birth=datetime.date(1990, 5, 17),
        service_start=datetime.date(2010, 9, 1),
    )
    assert person.age_on(datetime.date(2025, 5, 16)) == 34
    assert person.age_on(datetime.date(2025, 5, 17)) == 35
    assert person.years_of_service_on(datetime.date(2015, 8, 31)) == 4
    assert person.years_of_service_on(datetime.date(2015, 9, 1)) == 5


def test_it_refuses_a_language_test_score_outside_0_to_100(mod):
    test = LanguageTestResult(
        person=testing.person(mod["hospital"]),
        language=testing.language(),
        tested_on=datetime.date(2024, 3, 1),
        test_name="UN AMS",
        score=101,
    )
    assert "score" in errors_of(test)
    test.score = 60
    test.full_clean()


def test_it_refuses_a_second_skill_in_the_same_language_on_the_language_field(mod):
    person = testing.person(mod["hospital"])
    PersonLanguage.objects.create(person=person, language=testing.language(), level=3)
    again = PersonLanguage(person=person, language=testing.language(), level=5)
    assert "language" in errors_of(again)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (
            lambda p: Passport(person=p, number="C1", issued_on=TOMORROW, expires_on=TOMORROW),
            "issued_on",
        ),
        (lambda p: DrivingLicence(person=p, category="B", issued_on=TOMORROW), "issued_on"),
        (
            lambda p: MedicalClearance(
                person=p, examined_on=TOMORROW, result="fit", valid_until=TOMORROW
            ),
            "examined_on",
        ),
        (
            lambda p: Screening(
                person=p, kind="misconduct", screened_on=TOMORROW, screened_by="Inspectorate"
            ),
            "screened_on",
        ),
    ],
)
def test_it_refuses_documents_dated_in_the_future(mod, record, field):
    assert field in errors_of(record(testing.person(mod["hospital"])))


def test_it_refuses_a_passport_that_expires_before_it_is_issued(mod):
    passport = Passport(
        person=testing.person(mod["hospital"]),
        number="C1234567",
        issued_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2019, 1, 1),
    )
    assert errors_of(passport)["expires_on"] == ["The passport must expire after it is issued."]


def test_a_kind_lapses_only_when_even_the_newest_document_has_expired(mod):
    person = testing.person(mod["hospital"])
    today = datetime.date(2025, 6, 1)
    old = Passport(person=person, number="1", expires_on=datetime.date(2020, 1, 1))
    older = Passport(person=person, number="2", expires_on=datetime.date(2015, 1, 1))
    new = Passport(person=person, number="3", expires_on=datetime.date(2030, 1, 1))
    assert lapsed([older, old], today) is old
    assert lapsed([older, old, new], today) is None
    assert lapsed([], today) is None
    forever = DrivingLicence(person=person, category="B", issued_on=datetime.date(2000, 1, 1))
    assert lapsed([forever], today) is None
