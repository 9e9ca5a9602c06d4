"""Which documents warn of expiry: a person's latest of a kind, a licence's kind its category.

The home page and the expiring report ask the database (`expiring_queryset`); the person page
reads the same answer from the rows it already holds (`lapsing`). Both must agree.
"""

import datetime

import pytest

from core import testing
from people.expiry import expiring_documents, expiring_queryset, lapsing
from people.models import DrivingLicence, Passport

TODAY = datetime.date(2025, 6, 1)
HORIZON = TODAY + datetime.timedelta(days=90)
SOON = TODAY + datetime.timedelta(days=30)
LATER = TODAY + datetime.timedelta(days=3000)


@pytest.fixture
def driver(mod):
    return testing.person(mod["hospital"], "Lái Xe")


def licence(person, category, expires_on):
    return DrivingLicence.objects.create(
        person=person, category=category, issued_on=datetime.date(2010, 1, 1), expires_on=expires_on
    )


def warned(model, user, person):
    """What the database and the person page each say lapses soon, in that order."""
    in_database = list(expiring_queryset(model, user, TODAY, HORIZON))
    on_the_page = lapsing(model.objects.filter(person=person), TODAY, HORIZON)
    return in_database, on_the_page


def test_a_valid_licence_of_another_category_does_not_hide_an_expiring_one(driver, viewer):
    expiring_b = licence(driver, "B", SOON)
    licence(driver, "C", LATER)

    assert warned(DrivingLicence, viewer, driver) == ([expiring_b], [expiring_b])


def test_a_licence_of_the_same_category_that_never_expires_replaces_an_expiring_one(driver, viewer):
    licence(driver, "B", SOON)
    licence(driver, "b", None)

    assert warned(DrivingLicence, viewer, driver) == ([], [])


def test_a_later_licence_of_the_same_category_replaces_an_expiring_one(driver, viewer):
    licence(driver, "B", SOON)
    licence(driver, "B", LATER)

    assert warned(DrivingLicence, viewer, driver) == ([], [])


def test_any_newer_passport_replaces_an_expiring_one_and_one_alone_warns(driver, viewer, mod):
    alone = Passport.objects.create(person=driver, number="A1", expires_on=SOON)
    other = testing.person(mod["hospital"], "Đổi Hộ Chiếu")
    Passport.objects.create(person=other, number="B1", expires_on=SOON)
    Passport.objects.create(person=other, number="B2", expires_on=LATER)

    assert warned(Passport, viewer, driver) == ([alone], [alone])
    assert lapsing(other.passports.all(), TODAY, HORIZON) == []


def test_documents_out_of_the_users_scope_never_warn(mps, police_officer_user, driver):
    licence(driver, "B", SOON)

    assert list(expiring_queryset(DrivingLicence, police_officer_user, TODAY, HORIZON)) == []


def test_the_home_page_list_names_each_document_soonest_first(driver, viewer):
    licence(driver, "B", SOON + datetime.timedelta(days=1))
    Passport.objects.create(person=driver, number="A1", expires_on=SOON)

    found = expiring_documents(viewer, TODAY, 90)

    assert [(item.kind, item.expires_on) for item in found] == [
        ("Passport", SOON),
        ("Driving licence", SOON + datetime.timedelta(days=1)),
    ]
    assert found[0].person == driver
