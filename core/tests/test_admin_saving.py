"""What the admin saves lands inside the user's organisations; choices offer nothing else.

An administrator of the Ministry of Public Security (police) against the defence ministry.
"""

from __future__ import annotations

import datetime

import pytest

from core import roles, testing
from core.admin import scope_error
from core.models import Organisation
from core.tests.admin_records import form_data
from people.models import Passport, Person
from training.models import Enrolment


@pytest.fixture
def police_admin(mps):
    return testing.user("police-admin", roles.ADMINISTRATOR, mps["ministry"], is_staff=True)


@pytest.fixture
def defence_person(mod):
    return testing.person(mod["hospital"], "Trần Văn Quốc")


@pytest.fixture
def police_person(mps):
    return testing.person(mps["police"], "Phạm Thị Lan", service="police", sex="F")


def person_form(org, **extra):
    values = {
        "organisation": org.pk,
        "service_number": "CA-0001",
        "full_name": "Lê Văn Bình",
        "sex": "M",
        "date_of_birth": "1990-01-02",
        "service": "police",
        **extra,
    }
    # The inline of language skills, empty.
    return values | {f"languages-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()}


def test_an_administrator_of_one_ministry_cannot_open_the_other_ministrys_passports(
    client, police_admin, defence_person, police_person
):
    theirs = Passport.objects.create(
        person=defence_person, number="B1234567", expires_on=datetime.date(2030, 1, 1)
    )
    Passport.objects.create(
        person=police_person, number="C7654321", expires_on=datetime.date(2030, 1, 1)
    )
    client.force_login(police_admin)

    listing = client.get("/admin/people/passport/").content.decode()
    opened = client.get(f"/admin/people/passport/{theirs.pk}/change/", follow=True)

    assert "C7654321" in listing
    assert "B1234567" not in listing
    assert "B1234567" not in opened.content.decode()
    assert opened.redirect_chain[-1][0] == "/admin/"


def test_a_passport_cannot_be_added_to_a_person_of_the_other_ministry_by_raw_id(
    client, police_admin, defence_person, police_person
):
    client.force_login(police_admin)
    values = {"number": "B0000001", "kind": "official", "expires_on": "2031-05-01"}

    refused = client.post("/admin/people/passport/add/", values | {"person": defence_person.pk})
    accepted = client.post("/admin/people/passport/add/", values | {"person": police_person.pk})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors
    assert "Trần Văn Quốc" not in refused.content.decode()  # the raw id's label names no one
    assert accepted.status_code == 302
    assert list(Passport.objects.values_list("person_id", flat=True)) == [police_person.pk]


def test_a_person_cannot_be_created_in_the_other_ministry(client, police_admin, mod, mps):
    client.force_login(police_admin)

    refused = client.post("/admin/people/person/add/", person_form(mod["hospital"]))
    accepted = client.post("/admin/people/person/add/", person_form(mps["police"]))

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert list(Person.objects.values_list("organisation_id", flat=True)) == [mps["police"].pk]


def test_a_record_landing_outside_the_users_organisations_is_refused_whatever_the_choices(
    police_admin, defence_person, police_person, mod, mps
):
    """The server's own check, behind the choices: what a form offers is not what it accepts."""
    passport = Passport(person=defence_person, number="B9", expires_on=datetime.date(2030, 1, 1))
    theirs = Passport.objects.create(
        person=defence_person, number="B8", expires_on=datetime.date(2030, 1, 1)
    )

    assert scope_error(police_admin, passport, {})
    assert scope_error(police_admin, passport, {"person": police_person}) is None
    assert scope_error(police_admin, police_person, {"organisation": mod["hospital"]})
    assert scope_error(police_admin, police_person, {"organisation": mps["ministry"]}) is None
    # A record of theirs, even moved to one's own person, is not one's to change.
    assert scope_error(police_admin, theirs, {"person": police_person})
    unit = Organisation(name="Unit", parent=mod["department"])
    assert scope_error(police_admin, unit, {})
    assert scope_error(police_admin, unit, {"parent": mps["police"]}) is None
    assert scope_error(police_admin, Organisation(name="Ministry"), {})


def test_the_organisation_choices_offer_only_the_users_own_organisations(
    client, police_admin, mod, mps
):
    client.force_login(police_admin)

    form = client.get("/admin/people/person/add/").context["adminform"].form

    offered = set(form.fields["organisation"].queryset)
    assert offered == {mps["ministry"], mps["police"]}


def test_the_list_filter_names_no_organisation_of_the_other_ministry(
    client, police_admin, defence_person, police_person, mps
):
    testing.person(mps["ministry"], "Đỗ Văn Hùng", service="police")  # two to filter between
    client.force_login(police_admin)

    text = client.get("/admin/people/person/").content.decode()

    assert f"?organisation__id__exact={police_person.organisation_id}" in text
    assert "H175" not in text  # the defence hospital, as organisations are named


def test_a_person_of_the_other_ministry_is_not_changed_by_a_post(
    client, police_admin, defence_person, mps
):
    client.force_login(police_admin)

    client.post(
        f"/admin/people/person/{defence_person.pk}/change/",
        person_form(mps["police"], full_name="Taken"),
    )

    defence_person.refresh_from_db()
    assert defence_person.full_name == "Trần Văn Quốc"
    assert defence_person.organisation.short_name == "H175"


def test_a_person_cannot_be_moved_to_the_other_ministry(client, police_admin, police_person, mod):
    client.force_login(police_admin)
    page = f"/admin/people/person/{police_person.pk}/change/"
    values = form_data(client.get(page)) | {"organisation": str(mod["hospital"].pk)}

    refused = client.post(page, values)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors
    police_person.refresh_from_db()
    assert police_person.organisation.short_name == "PPU"


def test_autocomplete_offers_only_people_of_the_users_organisations(
    client, police_admin, defence_person, police_person
):
    client.force_login(police_admin)

    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "training", "model_name": "assessment", "field_name": "person", "term": ""},
    ).json()

    assert [row["id"] for row in found["results"]] == [str(police_person.pk)]


def test_an_enrolment_read_through_the_trainees_unit_is_not_changed_in_the_admin(
    client, police_admin, mod, police_person
):
    """A police officer trained on a defence run: the police see the result, never change it."""
    from planning.testing import course_run, cptm_course

    run = course_run(cptm_course(), mod["department"], datetime.date(2024, 3, 1))
    enrolment = Enrolment.objects.create(run=run, person=police_person, score=80)
    client.force_login(police_admin)
    page = f"/admin/training/enrolment/{enrolment.pk}/change/"

    opened = client.get(page)
    changed = client.post(page, {"run": run.pk, "person": police_person.pk, "score": "10"})
    deleted = client.post(f"/admin/training/enrolment/{enrolment.pk}/delete/", {"post": "yes"})
    bulk = client.post(
        "/admin/training/enrolment/",
        {"action": "delete_selected", "_selected_action": [enrolment.pk], "post": "yes"},
    )

    assert opened.status_code == 200
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.score == 80


def test_a_deleted_record_keeps_its_history_for_its_own_ministry_only(
    client, police_admin, defence_person, police_person
):
    mine = Passport.objects.create(
        person=police_person, number="C1", expires_on=datetime.date(2030, 1, 1)
    )
    theirs = Passport.objects.create(
        person=defence_person, number="B1", expires_on=datetime.date(2030, 1, 1)
    )
    mine_pk, theirs_pk = mine.pk, theirs.pk
    mine.delete()
    theirs.delete()
    client.force_login(police_admin)

    assert client.get(f"/admin/people/passport/{mine_pk}/history/").status_code == 200
    assert client.get(f"/admin/people/passport/{theirs_pk}/history/").status_code == 404


def test_a_reader_cannot_revert_a_record_through_its_history_page(client, mps, police_person):
    reader = testing.user("reader", roles.VIEWER, mps["ministry"], is_staff=True)
    police_person.full_name = "Renamed"
    police_person.save()
    first = police_person.history.earliest()
    client.force_login(reader)
    page = f"/admin/people/person/{police_person.pk}/history/{first.history_id}/"

    assert client.get(page).status_code == 200
    reverted = client.post(page, person_form(police_person.organisation, full_name="Phạm Thị Lan"))

    assert reverted.status_code == 403
    police_person.refresh_from_db()
    assert police_person.full_name == "Renamed"


# --- Organisations ---------------------------------------------------------------------------


def organisation_form(**values):
    return {"name": "New", "short_name": "", "kind": "unit", **values}


def test_an_administrator_cannot_create_a_top_level_organisation(client, police_admin, mps):
    client.force_login(police_admin)

    refused = client.post("/admin/core/organisation/add/", organisation_form(name="Ministry X"))
    accepted = client.post(
        "/admin/core/organisation/add/", organisation_form(name="Unit 2", parent=mps["ministry"].pk)
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors()
    assert accepted.status_code == 302
    assert not Organisation.objects.filter(name="Ministry X").exists()
    assert Organisation.objects.get(name="Unit 2").parent == mps["ministry"]


def test_an_administrator_cannot_move_an_organisation_outside_their_own(
    client, police_admin, mod, mps
):
    client.force_login(police_admin)
    page = f"/admin/core/organisation/{mps['police'].pk}/change/"
    values = form_data(client.get(page))

    moved_away = client.post(page, values | {"parent": str(mod["department"].pk)})
    to_the_top = client.post(page, values | {"parent": ""})

    assert moved_away.status_code == 200 and to_the_top.status_code == 200
    mps["police"].refresh_from_db()
    assert mps["police"].parent == mps["ministry"]


def test_an_administrator_of_a_unit_renames_it_where_it_stands(client, mps):
    """The unit's parent is not the unit administrator's: it is offered still, as it stands."""
    unit_admin = testing.user("unit-admin", roles.ADMINISTRATOR, mps["police"], is_staff=True)
    client.force_login(unit_admin)
    page = f"/admin/core/organisation/{mps['police'].pk}/change/"
    values = form_data(client.get(page))

    renamed = client.post(page, values | {"name": "Police Unit No. 1"})
    climbed = client.post(
        "/admin/core/organisation/add/", organisation_form(parent=mps["ministry"].pk)
    )

    assert renamed.status_code == 302
    assert climbed.status_code == 200
    mps["police"].refresh_from_db()
    assert (mps["police"].name, mps["police"].parent) == ("Police Unit No. 1", mps["ministry"])


def test_an_administrator_renames_the_ministry_granted_to_them(client, police_admin, mps):
    client.force_login(police_admin)
    page = f"/admin/core/organisation/{mps['ministry'].pk}/change/"

    renamed = client.post(page, form_data(client.get(page)) | {"short_name": "BCA"})

    assert renamed.status_code == 302
    mps["ministry"].refresh_from_db()
    assert mps["ministry"].short_name == "BCA"
    assert mps["ministry"].parent is None


def test_a_raw_id_names_a_person_of_the_users_own_ministry(client, police_admin, police_person):
    """The label beside a raw id is scoped, not removed: one's own person is named."""
    client.force_login(police_admin)

    text = client.get(f"/admin/people/passport/add/?person={police_person.pk}").content.decode()

    assert "Phạm Thị Lan" in text
    assert f"/admin/people/person/{police_person.pk}/change/" in text


def test_odd_admin_addresses_answer_not_found_instead_of_failing(client, mod):
    root = testing.user("root-odd", roles.ADMINISTRATOR, mod["ministry"], is_staff=True)
    root.is_superuser = True
    root.save()
    person = testing.person(mod["hospital"])
    client.force_login(root)
    base = f"/admin/people/person/{person.pk}"

    assert client.get(f"{base}/change/?_to_field=").status_code == 200
    assert client.get(f"{base}/delete/?_to_field=").status_code == 200
    assert client.get(f"{base}/history/abc/").status_code == 404
    assert client.get(f"{base}/history/²/").status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()
