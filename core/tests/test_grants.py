"""Roles per grant: a user holds a role over an organisation subtree, and may do per grant."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core import roles, testing
from people.models import Passport, Person
from people.tests.test_api import person_payload


@pytest.fixture
def engineers(mod):
    """A second department of the same ministry, beside the peacekeeping department."""
    return testing.organisation("Engineering Corps", mod["ministry"], kind="department")


@pytest.fixture
def officer(mod):
    """Personnel officer of the peacekeeping department, Viewer of the whole ministry."""
    account = testing.user("hoa", roles.PERSONNEL_OFFICER, mod["department"])
    testing.grant(account, roles.VIEWER, mod["ministry"])
    return account


@pytest.fixture
def people(mod, engineers):
    return {
        "own": testing.person(mod["hospital"], "Nguyễn Thị Hương"),
        "other": testing.person(engineers, "Trần Văn Bình"),
    }


def test_a_viewer_of_the_ministry_reads_every_department_but_changes_only_their_own(
    officer, people
):
    assert set(Person.objects.restrict(officer, "view")) == {people["own"], people["other"]}
    assert list(Person.objects.restrict(officer, "change")) == [people["own"]]
    assert list(Person.objects.restrict(officer, "delete")) == [people["own"]]


def test_the_other_departments_person_opens_read_only_and_its_edit_page_is_not_found(
    client, officer, people
):
    client.force_login(officer)

    page = client.get(people["other"].get_absolute_url())
    assert page.status_code == 200
    assert page.context["can_change"] is False
    edit = reverse("people:person_edit", args=[people["other"].pk])
    assert f'href="{edit}' not in page.content.decode()
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"full_name": "Changed"}).status_code == 404
    own = client.get(people["own"].get_absolute_url())
    assert own.context["can_change"] is True


def test_a_new_person_can_be_placed_only_where_the_user_may_add_people(
    client, officer, mod, engineers
):
    client.force_login(officer)

    form = client.get(reverse("people:person_add")).context["form"]
    offered = set(form.fields["organisation"].queryset)
    assert offered == {mod["department"], mod["hospital"]}
    assert engineers not in offered and mod["ministry"] not in offered


def test_the_api_refuses_to_add_a_person_where_the_caller_only_reads(officer, mod, engineers):
    client = testing.api(officer)

    refused = client.post(
        reverse("api:person-list"), person_payload(mod, organisation=engineers.pk)
    )
    assert refused.status_code == 400
    assert "organisation" in refused.json()
    assert not Person.objects.filter(organisation=engineers).exists()
    added = client.post(reverse("api:person-list"), person_payload(mod, service_number="SN-78"))
    assert added.status_code == 201, added.content


def test_a_document_can_be_added_only_to_people_the_user_may_change(officer, people):
    client = testing.api(officer)
    payload = {
        "number": "C1234567",
        "kind": "ordinary",
        "issued_on": "2024-01-01",
        "expires_on": "2034-01-01",
    }

    refused = client.post(reverse("api:passport-list"), {**payload, "person": people["other"].pk})
    assert refused.status_code == 400
    assert not Passport.objects.filter(person=people["other"]).exists()
    added = client.post(reverse("api:passport-list"), {**payload, "person": people["own"].pk})
    assert added.status_code == 201, added.content


def test_permissions_come_from_grants_not_from_groups_held_everywhere(mod, people):
    account = testing.user("nobody", roles.VIEWER)
    account.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))

    assert not account.has_perm("people.view_person")
    assert not Person.objects.restrict(account, "view").exists()
    testing.grant(account, roles.VIEWER, mod["hospital"])
    assert account.has_perm("people.view_person")
    assert not account.has_perm("people.change_person")
    assert list(Person.objects.restrict(account, "view")) == [people["own"]]


def test_a_training_officer_who_views_the_ministry_enrols_but_never_edits_people(
    client, mod, people
):
    centre = testing.organisation("Peacekeeping Training Centre", mod["ministry"], kind="centre")
    account = testing.user("lan", roles.TRAINING_OFFICER, centre)
    testing.grant(account, roles.VIEWER, mod["ministry"])

    assert set(Person.objects.restrict(account, "view")) == {people["own"], people["other"]}
    assert not Person.objects.restrict(account, "change").exists()
    client.force_login(account)
    assert client.get(reverse("people:person_edit", args=[people["own"].pk])).status_code == 404


def test_the_navigation_bar_names_every_role_the_user_holds(client, officer):
    client.force_login(officer)

    text = client.get("/").content.decode()
    assert "Personnel officer" in text and "Viewer" in text
    assert roles.role_names(officer) == [roles.PERSONNEL_OFFICER, roles.VIEWER]


def test_a_form_that_offers_too_much_still_cannot_save_outside_the_users_scope(
    client, officer, people, engineers, monkeypatch
):
    from core.forms import BaseModelForm

    # As if a form forgot to narrow its choices: the save itself is the last word.
    monkeypatch.setattr(BaseModelForm, "limit_placement", lambda self, user: None)
    client.force_login(officer)
    form = client.get(reverse("people:person_add")).context["form"]
    assert engineers in set(form.fields["organisation"].queryset)
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not name.startswith("_")
    }
    data.update(
        organisation=engineers.pk,
        service_number="SN-99",
        full_name="Lê Văn Cường",
        sex="M",
        date_of_birth="1990-01-01",
        service="army",
        rank=testing.rank().pk,
    )

    refused = client.post(reverse("people:person_add"), data)

    assert refused.status_code == 200
    assert "You may not put this record there." in refused.content.decode()
    assert not Person.objects.filter(service_number="SN-99").exists()


def test_delete_is_offered_only_on_records_the_user_may_delete(client, officer, people):
    client.force_login(officer)

    assert client.get(people["own"].get_absolute_url()).context["can_delete"] is True
    assert client.get(people["other"].get_absolute_url()).context["can_delete"] is False


def test_an_administrator_creates_organisations_only_below_his_own(client, mod, mps):
    from core.models import Organisation

    account = testing.user("org-admin", roles.ADMINISTRATOR, mod["department"])
    client.force_login(account)
    form = client.get(reverse("core:organisation_add")).context["form"]
    assert set(form.fields["parent"].queryset) == {mod["department"], mod["hospital"]}

    top = client.post(
        reverse("core:organisation_add"), {"name": "New ministry", "kind": "ministry"}
    )
    assert top.status_code == 200 and "parent" in top.context["form"].errors
    api = testing.api(account)
    for parent in (None, mps["ministry"].pk, mod["ministry"].pk):
        refused = api.post(
            reverse("api:organisation-list"),
            {"name": "Elsewhere", "kind": "unit", "parent": parent},
        )
        assert refused.status_code in (400, 403), (parent, refused.content)
    assert not Organisation.objects.filter(name__in=["New ministry", "Elsewhere"]).exists()
    made = api.post(
        reverse("api:organisation-list"),
        {"name": "Field Hospital 2", "kind": "unit", "parent": mod["department"].pk},
    )
    assert made.status_code == 201, made.content
