"""Apply writes only what the preview showed: a register changed since refuses the job, and the
file is checked again on the import page."""

import datetime
import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import testing
from core.models import Job, JobState
from people import tasks
from people.imports.apply import Stale, apply
from people.imports.plan import basis
from people.imports.testing import table, xlsx_bytes
from people.imports.validate import check
from people.models import Passport, Person

TOKEN = "fedcba9876543210fedcba9876543210"
APPLY = f"/people/import/{TOKEN}/apply/"


# Each test's uploads go to a folder of its own (the fixture is in conftest.py).
pytestmark = pytest.mark.usefixtures("upload_folder")


@pytest.fixture
def catalogue(db):
    return {
        "captain": testing.rank("army", "Captain", 12),
        "major": testing.rank("army", "Major", 13),
    }


def row(**extra):
    values = {
        "organisation": "H175",
        "service_number": "QD0001",
        "full_name": "Nguyễn Thị Hương",
        "sex": "F",
        "date_of_birth": "1990-05-17",
        "service": "Army",
        "rank": "Captain",
    }
    values.update(extra)
    return values


def preview(client, *rows):
    file = SimpleUploadedFile("people.xlsx", xlsx_bytes(table(list(rows))))
    page = client.post("/people/import/", {"token": TOKEN, "file": file})
    assert page.status_code == 200 and APPLY in page.content.decode()
    return page.content.decode()


def count(html, action):
    return html.split(f'data-testid="count-{action}">')[1].split("<")[0]


def apply_job(client):
    """Press Apply: the job runs (at once in the tests); the job as its page shows it."""
    response = client.post(APPLY, follow=True)
    job = Job.objects.latest("pk")
    assert response.redirect_chain[-1][0] == job.get_absolute_url()
    return job, response.content.decode()


def check_again(client):
    """Where the refused job sends the user: its "Put it right" button, the kept file
    checked again."""
    job_page = client.get(Job.objects.latest("pk").get_absolute_url()).content.decode()
    button = re.search(r'href="([^"]+)" data-testid="job-open">Put it right', job_page)
    assert button, "the refused job offers no way to put it right"
    page = client.get(html_lib.unescape(button.group(1)))
    assert page.status_code == 200
    return page.content.decode()


def test_a_person_added_since_the_preview_is_not_overwritten_and_the_new_preview_says_so(
    client, mod, personnel_officer, catalogue
):
    client.force_login(personnel_officer)
    html = preview(client, row(service_number="QD0000", full_name="Trần Văn Bình"), row())
    assert count(html, "create") == "2"
    # Meanwhile someone records QD0001, whom the preview called new.
    theirs = testing.person(mod["hospital"], "Their Hương", service_number="QD0001", sex="F")

    job, refused = apply_job(client)

    assert job.state == JobState.FAILED
    assert job.message.splitlines() == [
        "Nothing was written: the register changed since the preview.",
        "Row 3: QD0001 was added by someone else since the preview; check the new preview and "
        "apply again.",
        "Check the file again on the import page and apply the new preview.",
    ]
    assert "Row 3: QD0001 was added by someone else" in refused
    assert not Person.objects.filter(service_number="QD0000").exists()  # nothing was written
    theirs.refresh_from_db()
    assert theirs.full_name == "Their Hương"
    # The file checked again: the new preview, which applied writes, knowingly over their record.
    again = check_again(client)
    assert count(again, "create") == "1" and count(again, "update") == "1"
    assert apply_job(client)[0].state == JobState.DONE
    theirs.refresh_from_db()
    assert theirs.full_name == "Nguyễn Thị Hương"
    assert Person.objects.filter(service_number="QD0000").exists()


def test_a_person_changed_since_the_preview_refuses_the_update(
    client, mod, personnel_officer, catalogue
):
    person = testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="QD0001", sex="F")
    client.force_login(personnel_officer)
    html = preview(client, row(rank="Major"))
    assert count(html, "update") == "1"
    person.phone = "0912 345 678"  # someone else's change, of another field
    person.save()

    job, refused = apply_job(client)

    assert job.state == JobState.FAILED
    assert "Row 2: QD0001 was changed by someone else since the preview" in refused
    person.refresh_from_db()
    assert person.rank is None and person.phone == "0912 345 678"
    assert count(check_again(client), "update") == "1"
    assert apply_job(client)[0].state == JobState.DONE
    person.refresh_from_db()
    assert person.rank == catalogue["major"] and person.phone == "0912 345 678"


def test_a_person_deleted_since_the_preview_is_not_recreated_unseen(
    client, mod, personnel_officer, catalogue
):
    person = testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="QD0001", sex="F")
    client.force_login(personnel_officer)
    preview(client, row(rank="Major"))
    person.delete()

    job, refused = apply_job(client)

    assert job.state == JobState.FAILED
    assert "Row 2: QD0001 was deleted by someone else since the preview" in refused
    assert not Person.objects.exists()


def test_a_document_added_since_the_preview_refuses_too(client, mod, personnel_officer, catalogue):
    person = testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="QD0001", sex="F")
    client.force_login(personnel_officer)
    preview(client, row(rank="Captain", passport_number="C0001", passport_expires="2031-03-01"))
    Passport.objects.create(person=person, number="C0001", expires_on=datetime.date(2030, 1, 1))

    job, refused = apply_job(client)

    assert job.state == JobState.FAILED
    assert "Row 2: the documents of QD0001 were changed by someone else" in refused
    assert Passport.objects.get().expires_on == datetime.date(2030, 1, 1)


def test_an_unchanged_register_applies_at_once(client, mod, personnel_officer, catalogue):
    client.force_login(personnel_officer)
    preview(client, row())
    job, page = apply_job(client)
    assert job.state == JobState.DONE
    assert "1 people added" in page
    assert Person.objects.get().full_name == "Nguyễn Thị Hương"


def test_without_a_kept_preview_apply_asks_for_one_first(
    client, mod, personnel_officer, catalogue, upload_folder
):
    client.force_login(personnel_officer)
    preview(client, row())
    (upload_folder / f"{TOKEN}.basis").unlink()

    job, shown = apply_job(client)

    assert job.state == JobState.FAILED
    assert "The preview of this file is gone; check the file again and apply it." in shown
    assert not Person.objects.exists()
    assert APPLY in check_again(client)
    assert apply_job(client)[0].state == JobState.DONE


def test_apply_refused_for_a_user_whose_grant_was_removed_writes_nothing(
    client, mod, personnel_officer, catalogue
):
    client.force_login(personnel_officer)
    preview(client, row())
    # Removed between the click and the worker: the task asks again.
    personnel_officer.memberships.all().delete()
    job = Job.objects.create(
        kind="people.import", title="Import", owner=personnel_officer, params={"token": TOKEN}
    )
    tasks.apply_people_import.call(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message == "You may no longer import people; nothing was written."
    assert not Person.objects.exists()


def test_another_users_kept_upload_is_not_checked_again(client, mod, personnel_officer, catalogue):
    client.force_login(personnel_officer)
    preview(client, row())
    client.force_login(testing.user("other", "Personnel officer", mod["department"]))
    page = client.get("/people/import/", {"check": TOKEN}).content.decode()
    assert "import-preview" not in page and f"/people/import/{TOKEN}/apply/" not in page
    assert f'name="token" value="{TOKEN}"' not in page  # a new upload gets a token of its own


def test_apply_refuses_a_person_changed_between_the_check_and_the_write(
    mod, personnel_officer, catalogue, tmp_path
):
    person = testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="QD0001", sex="F")
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(table([row(rank="Major")])))
    plan = check(path, "people.xlsx", personnel_officer)
    previewed = basis(plan)
    Person.objects.filter(pk=person.pk).update(phone="0912 345 678")  # after the check's read

    with pytest.raises(Stale) as refused:
        apply(plan, personnel_officer, previewed=previewed)

    assert refused.value.changes == [
        "Row 2: QD0001 was changed by someone else since the preview; check the new preview "
        "and apply again."
    ]
    person.refresh_from_db()
    assert person.rank is None
