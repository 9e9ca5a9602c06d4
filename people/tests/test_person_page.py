"""A person's page: identity, documents, expiry warnings and deployments, in bounded queries."""

import datetime

import pytest

from core import testing
from people.models import DrivingLicence, MedicalClearance, Passport
from people.tests.builders import TODAY, deploy, with_documents

# Session, user, permissions (the user's and the grants' roles), grants, the person, the edit
# and delete rights, one query per kind of document (the expiry panel reads those rows), the
# deployments, the enrolments and assessments, the base template's roles, and the access log's
# entry: never per row.
PAGE_QUERIES = 19


@pytest.fixture
def huong(mod):
    return testing.person(
        mod["hospital"],
        "Nguyễn Thị Hương",
        sex="F",
        service_number="175-0420",
        rank=testing.rank("army", "Captain", 12),
        specialty=testing.specialty("surgeon", "Surgeon"),
        date_of_birth=datetime.date(1990, 5, 17),
    )


def many_deployments(org, person, count):
    """`count` past deployments of `person`, one per position of an observers' rotation."""
    kind = testing.unit_type("obs", positions=count, name="Military observers")
    rotation = testing.rotation(org, unit_type=kind)
    for n in range(count):
        year = 2000 + n
        deploy(
            person,
            rotation,
            n + 1,
            state="repatriated",
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 1),
            returned_on=datetime.date(year, 12, 1),
        )


@pytest.mark.parametrize("copies", [1, 12])
def test_it_shows_a_person_with_many_documents_and_deployments_in_bounded_queries(
    client, mod, huong, personnel_officer, django_assert_max_num_queries, copies
):
    with_documents(huong, copies=copies)
    many_deployments(mod["hospital"], huong, copies * 2)
    client.force_login(personnel_officer)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"/people/{huong.pk}/")
    assert response.status_code == 200
    assert len(response.context["documents"]["passport"]["rows"]) == copies
    assert len(response.context["deployments"]) == copies * 2


def test_it_shows_the_identity_with_age_grade_and_years_of_service(client, huong, viewer):
    client.force_login(viewer)
    text = client.get(f"/people/{huong.pk}/").content.decode()
    for expected in ["Nguyễn Thị Hương", "NGUYEN THI HUONG", "175-0420", "Captain", "OF-2"]:
        assert expected in text
    assert f"({huong.age_on(TODAY)} years)" in text
    assert f"{huong.years_of_service_on(TODAY)} years of service" in text
    assert "Military Hospital 175" in text


def test_it_lists_languages_tests_and_screenings(client, huong, viewer):
    with_documents(huong)
    client.force_login(viewer)
    text = client.get(f"/people/{huong.pk}/").content.decode()
    for expected in ["English", "B2", "French", "A2", "UN AMS", "72", "Human rights", "Cleared"]:
        assert expected in text
    assert "Inspectorate" in text


def test_it_warns_of_a_passport_about_to_expire_and_marks_an_expired_clearance(
    client, huong, viewer
):
    Passport.objects.create(
        person=huong, number="C7654321", expires_on=TODAY + datetime.timedelta(days=20)
    )
    MedicalClearance.objects.create(
        person=huong,
        examined_on=datetime.date(2020, 1, 1),
        result="fit",
        valid_until=datetime.date(2021, 1, 1),
    )
    DrivingLicence.objects.create(person=huong, category="B", issued_on=datetime.date(2012, 1, 1))
    client.force_login(viewer)
    response = client.get(f"/people/{huong.pk}/")
    text = response.content.decode()
    panel = text[text.index('data-testid="expiring"') : text.index('data-testid="languages"')]
    assert "C7654321" in panel and "in 20 days" in panel
    assert 'class="list-group-item bb-expired"' in panel and "2021-01-01" in panel
    assert "Driving licence" not in panel
    assert '<span class="bb-expiring">' in text
    assert '<span class="bb-expired">2021-01-01' in text


def test_it_does_not_warn_of_an_old_passport_replaced_by_a_valid_one(client, huong, viewer):
    Passport.objects.create(person=huong, number="OLD1", expires_on=datetime.date(2019, 1, 1))
    Passport.objects.create(person=huong, number="NEW1", expires_on=datetime.date(2099, 1, 1))
    client.force_login(viewer)
    assert "Nothing expires soon." in client.get(f"/people/{huong.pk}/").content.decode()


def test_it_shows_the_deployment_history_with_state_badges_and_links(client, mod, huong, viewer):
    rotation = testing.rotation(mod["hospital"], number=4)
    deployment = deploy(huong, rotation, 1)
    client.force_login(viewer)
    text = client.get(f"/people/{huong.pk}/").content.decode()
    assert 'class="badge state-deployed"' in text
    assert f'href="/deployments/{deployment.pk}/"' in text
    assert f'href="{rotation.get_absolute_url()}"' in text
    assert "UNMISS" in text


def test_it_offers_document_buttons_to_a_personnel_officer_only(
    client, huong, viewer, personnel_officer
):
    with_documents(huong)
    add_passport = f"/people/{huong.pk}/passports/add/"
    client.force_login(viewer)
    assert add_passport not in client.get(f"/people/{huong.pk}/").content.decode()
    client.force_login(personnel_officer)
    text = client.get(f"/people/{huong.pk}/").content.decode()
    assert add_passport in text
    passport = huong.passports.get()
    assert f"/people/{huong.pk}/passports/{passport.pk}/edit/" in text
