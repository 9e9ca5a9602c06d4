"""Documents expiring soon, per organisation: certificates, passports, medicals, licences."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from core import testing
from people.models import DrivingLicence, MedicalClearance, Passport
from planning.testing import certificate
from training.models import Course

URL = "/planning/expiring/"


@pytest.fixture
def today():
    return timezone.localdate()


def days(today, n):
    return today + datetime.timedelta(days=n)


def passport(person, expires_on, number=None):
    return Passport.objects.create(
        person=person, number=number or f"N{Passport.objects.count():07d}", expires_on=expires_on
    )


def listed(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_each_kind_of_document_lapsing_within_the_days_asked(
    client, personnel_officer, mod, today
):
    person = testing.person(mod["hospital"], "Vũ Thị Hoa")
    passport(person, days(today, 20), "B1111111")
    MedicalClearance.objects.create(
        person=person, examined_on=days(today, -300), result="fit", valid_until=days(today, 45)
    )
    DrivingLicence.objects.create(
        person=person, category="B", issued_on=days(today, -3000), expires_on=days(today, 60)
    )
    course = Course.objects.create(code="IHL-T", title="IHL", kind="ihl", validity_months=12)
    certificate(person, course, days(today, -300))  # lapses in about two months
    passport(testing.person(mod["hospital"], "Later"), days(today, 200))
    client.force_login(personnel_officer)

    text = listed(client, days=90)
    short = listed(client, days=30)

    assert "4 documents lapse within 90 days" in text
    for detail in ("B1111111", "Fit", ">B<", "IHL-T"):
        assert detail in text
    assert "Later" not in text
    assert "1 document lapses within 30 days" in short


def test_a_replaced_passport_is_no_warning(client, personnel_officer, mod, today):
    person = testing.person(mod["hospital"], "Đổi Hộ Chiếu")
    passport(person, days(today, 10))
    passport(person, days(today, 3000))
    client.force_login(personnel_officer)

    assert "0 documents lapse" in listed(client)


def test_it_keeps_to_the_users_scope_and_the_organisation_chosen(
    client, personnel_officer, mod, mps, today
):
    passport(testing.person(mod["hospital"], "Ở Bệnh viện"), days(today, 5))
    passport(testing.person(mod["department"], "Ở Cục"), days(today, 5))
    passport(testing.person(mps["police"], "Công An"), days(today, 5))
    client.force_login(personnel_officer)

    everything = listed(client)
    hospital = listed(client, organisation=mod["hospital"].pk)

    assert "Ở Bệnh viện" in everything and "Ở Cục" in everything
    assert "Công An" not in everything
    assert "Ở Bệnh viện" in hospital and "Ở Cục" not in hospital
    assert client.get(URL, {"organisation": mps["police"].pk}).status_code == 404


def test_it_filters_by_kind_of_document(client, personnel_officer, mod, today):
    person = testing.person(mod["hospital"], "Chỉ Hộ Chiếu")
    passport(person, days(today, 5), "P7654321")
    MedicalClearance.objects.create(
        person=person, examined_on=days(today, -300), result="fit", valid_until=days(today, 5)
    )
    client.force_login(personnel_officer)

    text = listed(client, kind="medical")

    assert "P7654321" not in text and "Fit" in text


def test_it_exports_every_row_with_formulas_made_harmless(client, personnel_officer, mod, today):
    for index in range(60):
        passport(testing.person(mod["hospital"], f'=HYPERLINK("x") {index:02d}'), days(today, 7))
    client.force_login(personnel_officer)

    response = client.get(URL, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx"}).content))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["Person", "Service number", "Organisation", "Document"]
    assert len(rows) == 61
    assert all(row[0].startswith("'=HYPERLINK") for row in rows[1:])
    assert rows[1][6] == "7"
    assert workbook.active.max_row == 61


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client, personnel_officer, mod, today, django_assert_max_num_queries
):
    for index in range(60):
        passport(testing.person(mod["hospital"], f"Người {index:02d}"), days(today, index + 1))
    client.force_login(personnel_officer)

    with django_assert_max_num_queries(10):
        first = listed(client)
    second = listed(client, page=2)

    assert "Page 1 of 2" in first
    assert "Người 00" in first and "Người 59" not in first
    assert "Người 59" in second


def test_it_needs_the_right_to_see_people(client, mod, db):
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody", password="pass-word-42")
    client.force_login(nobody)
    assert client.get(URL).status_code == 403
