"""The access log: sign-ins and every read of personal data are recorded, and only read."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import roles, testing
from core.models import AccessEvent, AccessKind


@pytest.fixture
def administrator(mod):
    return testing.user("hanh", roles.ADMINISTRATOR, mod["ministry"])


@pytest.fixture
def rotation(mod, administrator):
    """A rotation with two of its three positions filled."""
    from deployments import workflow

    made = testing.rotation(mod["hospital"])
    for number in (1, 2):
        person = testing.person(mod["hospital"], f"Nominee {number}")
        workflow.nominate(person, made.positions.get(number=number), by=administrator)
    return made


def entries(**filters) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(**filters))


def test_a_sign_in_is_recorded_with_who_and_from_where(client, administrator):
    client.post(
        "/login/",
        {"username": "hanh", "password": "pass-word-42"},
        REMOTE_ADDR="10.1.2.3",
    )

    [entry] = entries(kind=AccessKind.SIGN_IN)
    assert entry.user == administrator and entry.username == "hanh"
    assert entry.address == "10.1.2.3"


def test_a_failed_sign_in_is_recorded_with_the_name_typed_and_never_the_password(client, db):
    client.post("/login/", {"username": "director", "password": "guess-1"}, REMOTE_ADDR="10.9.9.9")

    [entry] = entries(kind=AccessKind.SIGN_IN_FAILED)
    assert entry.username == "director" and entry.user is None
    assert entry.address == "10.9.9.9"
    assert "guess-1" not in str(entry.__dict__)


def test_failed_sign_ins_of_an_account_are_read_by_its_organisations_administrators(
    client, mod, mps, administrator
):
    testing.user("director", roles.APPROVER, mod["department"])
    police_admin = testing.user("tuan", roles.ADMINISTRATOR, mps["ministry"])
    for name in ("director", "nobody-of-that-name"):
        client.post("/login/", {"username": name, "password": "guess"})

    def shown_to(account):
        return {e.username for e in AccessEvent.objects.restrict(account, "view")}

    assert shown_to(administrator) == {"director"}
    assert shown_to(police_admin) == set()


def test_a_lockout_is_recorded(client, administrator, settings):
    for attempt in range(settings.SIGNIN_FAILURES_PER_ACCOUNT):
        client.post("/login/", {"username": "hanh", "password": f"wrong-{attempt}"})

    [entry] = entries(kind=AccessKind.LOCKED_OUT)
    assert entry.username == "hanh"


def test_downloading_a_nominal_roll_is_recorded_with_its_rows(client, administrator, rotation):
    client.force_login(administrator)
    for fmt in ("xlsx", "pdf"):
        url = reverse("units:rotation_nominal_roll", args=[rotation.pk, fmt])
        assert client.get(url).status_code == 200

        [entry] = entries(kind=AccessKind.DOWNLOAD, path=url)
        assert entry.user == administrator
        assert entry.what.startswith("nominal roll:") and entry.what.endswith(f".{fmt}")
        assert entry.rows == 2
        assert entry.organisation == administrator.memberships.get().organisation


def test_exporting_the_people_list_is_recorded_with_the_number_of_rows(client, mod, administrator):
    for number in range(3):
        testing.person(mod["hospital"], f"Person {number}")
    client.force_login(administrator)

    client.get("/people/?export=xlsx")

    [entry] = entries(kind=AccessKind.DOWNLOAD)
    assert entry.what == "persons.xlsx" and entry.rows == 3


def test_the_edit_history_and_document_pages_of_a_person_are_recorded(client, mod, administrator):
    from people.models import Passport

    person = testing.person(mod["hospital"])
    passport = Passport.objects.create(
        person=person, number="C7654321", issued_on="2024-01-01", expires_on="2034-01-01"
    )
    client.force_login(administrator)
    urls = [
        reverse("people:person_edit", args=[person.pk]),
        reverse("people:person_history", args=[person.pk]),
        reverse("people:passport_edit", args=[person.pk, passport.pk]),
        reverse("people:passport_history", args=[person.pk, passport.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url

    assert [e.path for e in entries(kind=AccessKind.PAGE)] == urls[::-1]


def test_opening_a_person_page_is_recorded(client, mod, administrator):
    person = testing.person(mod["hospital"])
    client.force_login(administrator)

    client.get(person.get_absolute_url())

    [entry] = entries(kind=AccessKind.PAGE)
    assert entry.what == "person page" and entry.path == person.get_absolute_url()


def test_a_page_the_user_may_not_open_hands_out_nothing_and_records_nothing(client, mps, mod):
    person = testing.person(mod["hospital"])
    outsider = testing.user("police", roles.PERSONNEL_OFFICER, mps["ministry"])
    client.force_login(outsider)

    assert client.get(person.get_absolute_url()).status_code == 404
    assert not entries(kind=AccessKind.PAGE)


def test_reading_people_through_the_api_is_recorded_with_the_rows_read(mod, administrator):
    for number in range(2):
        testing.person(mod["hospital"], f"Person {number}")

    listed = testing.api(administrator).get(reverse("api:person-list"))

    assert listed.status_code == 200
    [entry] = entries(kind=AccessKind.API_READ)
    assert entry.user == administrator and entry.what == "people" and entry.rows == 2


def test_an_administrator_reads_the_log_of_their_own_organisations_only(
    client, mod, mps, administrator
):
    police_admin = testing.user("tuan", roles.ADMINISTRATOR, mps["ministry"])
    for account in (administrator, police_admin):
        testing.api(account).get(reverse("api:person-list"))
    client.force_login(administrator)

    page = client.get(reverse("core:access_log"))

    assert page.status_code == 200
    shown = {row.record.username for row in page.context["table"].page.object_list}
    assert "hanh" in shown and "tuan" not in shown


def test_the_log_page_is_refused_to_roles_that_do_not_read_it(client, mod):
    client.force_login(testing.user("viewer", roles.VIEWER, mod["ministry"]))

    assert client.get(reverse("core:access_log")).status_code == 403


def test_exporting_the_log_is_itself_recorded(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("core:access_log") + "?export=csv")

    assert response.status_code == 200
    [entry] = entries(kind=AccessKind.DOWNLOAD)
    assert entry.what == "access log: accessevents.csv" and entry.user == administrator


def test_the_log_cannot_be_changed_through_the_pages_the_admin_or_the_api(
    client, administrator, mod
):
    root = testing.user("root", roles.ADMINISTRATOR, mod["ministry"], is_superuser=True)
    root.is_staff = True
    root.save()
    entry = AccessEvent.objects.create(kind=AccessKind.SIGN_IN, username="hanh")
    client.force_login(root)

    assert client.post(reverse("core:access_log"), {"kind": "x"}).status_code == 405
    assert client.get(f"/admin/core/accessevent/{entry.pk}/change/").status_code == 404
    assert testing.api(root).delete(f"/api/access-log/{entry.pk}/").status_code == 404
    assert not administrator.has_perm("core.change_accessevent")
    assert not administrator.has_perm("core.delete_accessevent")
    assert AccessEvent.objects.filter(pk=entry.pk).exists()


def test_entries_older_than_the_retention_period_are_purged(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    old = AccessEvent.objects.create(kind=AccessKind.SIGN_IN, username="old")
    AccessEvent.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=31))
    recent = AccessEvent.objects.create(kind=AccessKind.SIGN_IN, username="recent")

    call_command("purge_access_log")

    assert list(AccessEvent.objects.all()) == [recent]
