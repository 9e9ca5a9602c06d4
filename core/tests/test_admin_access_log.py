"""The admin's reads of personal data are in the access log, as the pages' are (core.access_log).

A list, a record, its history and a past version of a person or a document: one entry each,
saying what was read (and how many rows a list showed). A page refused, a catalogue, or a
save writes no read.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin

from core import roles, testing
from core.models import AccessEvent, AccessKind
from deployments.models import Deployment
from people.models import Passport

# The models that hold personal data: people and their documents, and where they deploy.
PERSONAL = {"people", "deployments.Deployment"}


def holds_personal_data(model):
    scoped = getattr(model, "organisation_path", None) is not None
    return scoped and (model._meta.app_label in PERSONAL or model._meta.label in PERSONAL)


@pytest.fixture
def officer(mps):
    return testing.user("officer", roles.ADMINISTRATOR, mps["ministry"], is_staff=True)


@pytest.fixture
def passports(mod, mps):
    def passport(org, name, number):
        person = testing.person(org, name)
        return Passport.objects.create(
            person=person, number=number, expires_on=datetime.date(2030, 1, 1)
        )

    return {
        "mine": [passport(mps["police"], f"Police {n}", f"C{n}") for n in range(3)],
        "theirs": passport(mod["hospital"], "Defence", "B1"),
    }


def entries():
    return list(AccessEvent.objects.order_by("pk").values_list("kind", "what", "rows", "path"))


def test_every_admin_of_personal_data_names_it_for_the_log():
    named = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if getattr(model_admin, "access_log", None)
    }
    personal = {model._meta.label for model in admin.site._registry if holds_personal_data(model)}

    assert personal == named
    assert {"people.Person", "people.Passport", "deployments.Deployment"} <= named


def test_the_list_a_record_its_history_and_a_past_version_are_each_logged_once(
    client, officer, passports
):
    mine = passports["mine"][0]
    version = mine.history.earliest().history_id
    client.force_login(officer)
    AccessEvent.objects.all().delete()  # the sign-in's

    base = "/admin/people/passport/"
    for page in ("", f"{mine.pk}/change/", f"{mine.pk}/history/", f"{mine.pk}/history/{version}/"):
        assert client.get(base + page).status_code == 200, page

    assert entries() == [
        (AccessKind.PAGE, "admin: passports (list)", 3, base),
        (AccessKind.PAGE, "admin: passports (record)", 1, f"{base}{mine.pk}/change/"),
        (AccessKind.PAGE, "admin: passports (history)", None, f"{base}{mine.pk}/history/"),
        (
            AccessKind.PAGE,
            "admin: passports (past version)",
            1,
            f"{base}{mine.pk}/history/{version}/",
        ),
    ]
    assert set(AccessEvent.objects.values_list("user", flat=True)) == {officer.pk}


def test_a_refused_page_a_catalogue_and_a_save_log_no_read(client, officer, passports, mps):
    theirs = passports["theirs"]
    person = testing.person(mps["police"], "Saved")
    client.force_login(officer)
    AccessEvent.objects.all().delete()

    assert client.get(f"/admin/people/passport/{theirs.pk}/change/").status_code == 302
    assert client.get(f"/admin/people/passport/{theirs.pk}/history/").status_code == 404
    assert client.get("/admin/people/rank/").status_code == 200
    client.post(f"/admin/people/person/{person.pk}/change/", {"full_name": ""})

    assert entries() == []


def test_a_deployment_opened_in_the_admin_is_logged(client, officer, mps):
    from core.tests.admin_records import one_of_everything

    deployment = one_of_everything(mps["police"], "police")["deployment"]
    client.force_login(officer)
    AccessEvent.objects.all().delete()

    client.get(f"/admin/deployments/deployment/{deployment.pk}/change/")

    assert [row[1] for row in entries()] == ["admin: deployments (record)"]
    assert Deployment.objects.count() == 1
