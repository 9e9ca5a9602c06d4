"""No lost update in the admin: a change form saves only over the version it was opened from.

Two officers of the Ministry of Public Security open the same person in /admin/; the second
to save is refused, with what the first changed, and nothing of theirs is written; after a
reload they save. Every admin of the site is walked with a stale version too
(tests/test_lost_updates.py walks the admin's URLs and sends each change form here).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory

from core import roles, testing, versions
from core.admin import VersionedChangeMixin
from core.tests.admin_records import form_data, one_of_everything, version_fields
from people.models import Person, PersonLanguage

STALE = "0" * 32


@pytest.fixture
def officers(mps):
    first = testing.user(
        "officer-a", roles.ADMINISTRATOR, mps["ministry"], is_staff=True, first_name="Lê"
    )
    second = testing.user(
        "officer-b", roles.ADMINISTRATOR, mps["ministry"], is_staff=True, first_name="Phạm"
    )
    return first, second


@pytest.fixture
def police_person(mps):
    return testing.person(mps["police"], "Phạm Thị Lan", service="police", sex="F")


def page_of(record, suffix="change/"):
    meta = record._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/{suffix}"


def error_of(response):
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_a_save_over_someone_elses_change_is_refused_until_reloaded(
    client, officers, police_person
):
    first, second = officers
    page = page_of(police_person)
    client.force_login(first)
    mine = form_data(client.get(page)) | {"full_name": "Phạm Thị Lan Typed"}

    other = Client()
    other.force_login(second)
    theirs = form_data(other.get(page)) | {"phone": "0912 345 678"}
    assert other.post(page, theirs).status_code == 302  # the other officer saves first

    refused = client.post(page, mine)

    assert refused.status_code == 200
    message = error_of(refused)
    assert "someone else changed this record" in message
    assert "Phạm saved a change" in message
    assert "Phone is now “0912 345 678”" in message
    assert "Reload the page" in message
    police_person.refresh_from_db()
    assert (police_person.full_name, police_person.phone) == ("Phạm Thị Lan", "0912 345 678")
    # The page shown again keeps the version it was opened from: saving it again is refused
    # again, rather than writing the old phone number over the new one.
    assert version_fields(refused.content.decode()) == version_fields_of(mine)
    assert client.post(page, mine).status_code == 200
    police_person.refresh_from_db()
    assert police_person.full_name == "Phạm Thị Lan"

    reloaded = form_data(client.get(page)) | {"full_name": "Phạm Thị Lan Typed"}
    assert client.post(page, reloaded).status_code == 302
    police_person.refresh_from_db()
    assert (police_person.full_name, police_person.phone) == ("Phạm Thị Lan Typed", "0912 345 678")


def version_fields_of(data):
    return {name: data[name] for name in (versions.VERSION_FIELD, versions.LOADED_FIELD)}


def test_a_form_refused_for_its_own_errors_keeps_the_version_it_was_opened_from(
    client, officers, police_person
):
    first, _second = officers
    page = page_of(police_person)
    client.force_login(first)
    opened = form_data(client.get(page))

    invalid = client.post(page, opened | {"full_name": ""})
    assert invalid.status_code == 200
    carried = version_fields(invalid.content.decode())
    assert carried == version_fields_of(opened)

    police_person.phone = "0900 000 000"  # someone else saves meanwhile
    police_person.save()
    refused = client.post(page, opened | carried | {"full_name": "Typed"})

    assert refused.status_code == 200
    assert "someone else changed this record" in error_of(refused)
    police_person.refresh_from_db()
    assert police_person.full_name == "Phạm Thị Lan"


def test_a_language_row_changed_meanwhile_refuses_the_persons_save(client, officers, police_person):
    """The page saves the person's language rows too: their versions are part of the form's."""
    first, _second = officers
    row = PersonLanguage.objects.create(person=police_person, language=testing.language(), level=2)
    page = page_of(police_person)
    client.force_login(first)
    opened = form_data(client.get(page))

    row.level = 4
    row.save()
    refused = client.post(page, opened | {"full_name": "Typed"})

    assert refused.status_code == 200
    assert "someone else changed this record" in error_of(refused)
    row.refresh_from_db()
    police_person.refresh_from_db()
    assert (row.level, police_person.full_name) == (4, "Phạm Thị Lan")


def test_a_form_without_a_version_is_refused(client, officers, police_person):
    first, _second = officers
    page = page_of(police_person)
    client.force_login(first)
    data = form_data(client.get(page)) | {"full_name": "Typed"}
    del data[versions.VERSION_FIELD]

    refused = client.post(page, data)

    assert refused.status_code == 200
    assert "did not say which version" in error_of(refused)
    police_person.refresh_from_db()
    assert police_person.full_name == "Phạm Thị Lan"


def test_a_revert_over_a_newer_version_is_refused_until_reloaded(client, officers, police_person):
    first, _second = officers
    first_version = police_person.history.earliest()
    police_person.full_name = "Renamed"
    police_person.save()
    page = page_of(police_person, f"history/{first_version.history_id}/")
    client.force_login(first)
    opened = client.get(page)
    assert 'name="_version"' in opened.content.decode()
    revert = form_data(opened)

    police_person.phone = "0911 111 111"  # someone else saves meanwhile
    police_person.save()
    refused = client.post(page, revert)

    assert refused.status_code == 200
    assert "someone else changed this record" in error_of(refused)
    police_person.refresh_from_db()
    assert (police_person.full_name, police_person.phone) == ("Renamed", "0911 111 111")

    assert client.post(page, form_data(client.get(page))).status_code == 302
    police_person.refresh_from_db()
    assert police_person.full_name == "Phạm Thị Lan"


def records_to_open(mps):
    """One record of every model the admin site knows (the police ministry's where scoped)."""
    made = one_of_everything(mps["police"], "police")
    for model in admin.site._registry:
        if model is Group:
            yield model, Group.objects.order_by("pk").first()
        elif model._meta.label == "auth.User":
            yield model, made["user"]
        else:
            yield model, model._default_manager.order_by("pk").first()


def test_every_admin_change_form_refuses_a_stale_version_and_saves_a_fresh_one(client, mps):
    root = testing.user("root", roles.VIEWER, is_staff=True, is_superuser=True)
    client.force_login(root)
    as_root = RequestFactory().get("/admin/")
    as_root.user = root
    opened = set()

    for model, record in records_to_open(mps):
        assert isinstance(admin.site._registry[model], VersionedChangeMixin), model
        if record is None:
            continue  # a catalogue with no row yet (the UN's statistics)
        page = page_of(record)
        shown = client.get(page)
        assert shown.status_code == 200, model
        if not admin.site._registry[model].has_change_permission(as_root, record):
            # Read only (background jobs, written by the worker): no form to save, and a post
            # is refused.
            assert client.post(page, form_data(shown)).status_code == 403, model
            continue
        data = form_data(shown)
        assert data.get(versions.VERSION_FIELD), f"the change form of {model} carries no version"
        logged = LogEntry.objects.count()

        stale = client.post(page, data | {versions.VERSION_FIELD: STALE})

        assert stale.status_code == 200, model
        errors = stale.context["adminform"].form.non_field_errors().as_data()
        assert [error.code for error in errors] == ["stale"], model
        assert LogEntry.objects.count() == logged, model  # nothing saved
        saved = client.post(page, data)
        assert saved.status_code == 302, (model, saved.context and error_of(saved))
        opened.add(model)

    assert Person in opened and Group in opened and len(opened) > 20


def test_a_deleted_record_is_brought_back_from_its_last_version(client, mps, police_person):
    """Nothing is stored to overwrite: the version page of a deleted record still saves."""
    root = testing.user("root", roles.VIEWER, is_staff=True, is_superuser=True)
    last = police_person.history.earliest()
    pk = police_person.pk
    police_person.delete()
    client.force_login(root)
    page = f"/admin/people/person/{pk}/history/{last.history_id}/"

    opened = client.get(page)

    assert opened.status_code == 200
    assert client.post(page, form_data(opened)).status_code == 302
    assert Person.objects.get(pk=pk).full_name == "Phạm Thị Lan"
