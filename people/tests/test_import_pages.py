"""The import pages: upload and preview, apply, progress, template; and the export round trip."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from core import testing
from core.models import Job, JobState
from people.imports import uploads
from people.imports.testing import csv_bytes, table, xlsx_bytes
from people.models import MedicalClearance, Passport, Person, PersonLanguage

TOKEN = "0123456789abcdef0123456789abcdef"


# Each test's uploads go to a folder of its own (the fixture is in conftest.py).
pytestmark = pytest.mark.usefixtures("upload_folder")


@pytest.fixture
def catalogue(db):
    return {
        "captain": testing.rank("army", "Captain", 12),
        "surgeon": testing.specialty("surgeon", "Surgeon"),
        "english": testing.language("en", "English"),
        "french": testing.language("fr", "French"),
    }


def person_row(**extra):
    values = {
        "organisation": "H175",
        "service_number": "QD0001",
        "full_name": "Nguyễn Thị Hương",
        "sex": "F",
        "date_of_birth": "1990-05-17",
        "service": "Army",
        "rank": "Captain",
        "passport_expires": "2031-03-01",
    }
    values.update(extra)
    values.setdefault("passport_number", "C" + values["service_number"].removeprefix("QD"))
    return values


def upload(client, content, name="people.xlsx", token=TOKEN, **headers):
    file = SimpleUploadedFile(name, content)
    return client.post("/people/import/", {"token": token, "file": file}, **headers)


def test_it_offers_the_import_to_personnel_officers_only(client, personnel_officer, viewer):
    client.force_login(personnel_officer)
    page = client.get("/people/import/")
    assert page.status_code == 200
    assert b"Check the file" in page.content
    client.force_login(viewer)
    assert client.get("/people/import/").status_code == 403
    assert upload(client, b"x", "people.csv").status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    assert client.get("/people/import/").url.startswith("/login/")


def test_it_previews_a_file_and_writes_nothing(client, mod, personnel_officer, catalogue):
    testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD0002")
    rows = table(
        [person_row(), person_row(service_number="QD0002", full_name="Trần Văn Bình", sex="M")]
    )
    client.force_login(personnel_officer)
    page = upload(client, xlsx_bytes(rows))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="count-create">1<' in html
    assert 'data-testid="count-update">1<' in html
    assert "fields changed: Rank, Passport C0002 added" in html
    assert f"/people/import/{TOKEN}/apply/" in html
    assert Person.objects.count() == 1 and Passport.objects.count() == 0


def test_apply_runs_as_a_job_that_writes_every_row_and_shows_the_counts(
    client, mod, personnel_officer, catalogue, upload_folder, django_capture_on_commit_callbacks
):
    rows = [person_row(service_number=f"QD{n:04d}", full_name=f"Người {n}") for n in range(3)]
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table(rows)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/people/import/{TOKEN}/apply/", follow=True)

    job = Job.objects.get()
    assert response.redirect_chain[-1][0] == f"/jobs/{job.pk}/"
    assert (job.kind, job.title, job.state, job.owner) == (
        "people.import",
        "Import of people.xlsx",
        JobState.DONE,
        personnel_officer,
    )
    html = response.content.decode()
    assert "Imported people.xlsx: 3 people added, 0 updated, 0 unchanged; 3 documents" in html
    assert 'href="/people/" data-testid="job-open"' in html
    assert Person.objects.count() == 3 and Passport.objects.count() == 3
    huong = Person.objects.get(service_number="QD0001")
    assert huong.history.get().history_user == personnel_officer
    assert list(upload_folder.iterdir()) == []  # the upload is gone once written


# The worker closes a connection left in a transaction (Django's close_old_connections), as
# the test's own would be: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_worker_applies_the_upload_later_naming_the_officer_in_the_history(
    client, settings, mod, personnel_officer, catalogue
):
    """On the real queue Apply only queues the job; the worker finds the upload by its token
    and writes as the officer, though it has no request to take the user from."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table([person_row()])))
    job_page = client.post(f"/people/import/{TOKEN}/apply/").url
    assert 'data-state="queued"' in client.get(job_page).content.decode()
    assert not Person.objects.exists()

    call_command("worker", "--batch", "--no-startup-delay")

    job = Job.objects.get()
    assert job.state == JobState.DONE, job.message
    huong = Person.objects.get(service_number="QD0001")
    assert huong.history.get().history_user == personnel_officer
    assert "1 people added" in client.get(job_page).content.decode()


def test_the_uploads_wait_in_the_shared_storage_by_default(
    client, settings, mod, personnel_officer, catalogue, stored_files
):
    del settings.PEOPLE_IMPORT_DIR  # the fixture's folder: here, the default
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table([person_row()])))
    assert (stored_files / "people-imports" / f"{TOKEN}.data").exists()
    assert (stored_files / "people-imports" / f"{TOKEN}.basis").exists()
    client.post(f"/people/import/{TOKEN}/apply/")
    assert Job.objects.get().state == JobState.DONE
    assert Person.objects.filter(service_number="QD0001").exists()


def test_an_htmx_upload_gets_the_preview_alone_and_apply_sends_the_browser_to_the_job(
    client, mod, personnel_officer, catalogue
):
    client.force_login(personnel_officer)
    page = upload(client, xlsx_bytes(table([person_row()])), HTTP_HX_REQUEST="true")
    assert b"<html" not in page.content and b"import-preview" in page.content
    applied = client.post(f"/people/import/{TOKEN}/apply/", HTTP_HX_REQUEST="true")
    assert applied["HX-Redirect"] == Job.objects.get().get_absolute_url()


def test_another_user_cannot_open_the_import_job(client, mod, personnel_officer, catalogue):
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table([person_row()])))
    job_page = client.post(f"/people/import/{TOKEN}/apply/").url
    other = testing.user("other", "Personnel officer", mod["department"])
    client.force_login(other)
    assert client.get(job_page).status_code == 404
    assert client.get(f"{job_page}progress/").status_code == 404


def test_it_lists_every_problem_and_offers_no_apply(client, mod, personnel_officer, catalogue):
    rows = table([person_row(sex="X"), person_row(service_number="QD2", date_of_birth="soon")])
    client.force_login(personnel_officer)
    html = upload(client, xlsx_bytes(rows)).content.decode()
    assert "2 problems: nothing was written." in html
    assert "Row 2, Sex: “X” is not one of: Female, Male." in html
    assert "Row 3, Date of birth: “soon” is not a date" in html
    assert "/apply/" not in html


def test_it_refuses_a_50_mb_file_without_keeping_it(client, mod, personnel_officer, upload_folder):
    client.force_login(personnel_officer)
    html = upload(client, b"0" * (50 * 1024 * 1024), "people.csv").content.decode()
    assert "The file is 50.0 MB; the limit is 20.0 MB." in html
    assert not upload_folder.exists() or list(upload_folder.iterdir()) == []


def test_it_asks_for_a_file(client, personnel_officer):
    client.force_login(personnel_officer)
    response = client.post("/people/import/", {"token": TOKEN})
    assert "Choose a file to upload." in response.content.decode()


def test_another_user_cannot_apply_an_upload(client, mod, personnel_officer, catalogue):
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table([person_row()])))
    other = testing.user("other", "Personnel officer", mod["department"])
    client.force_login(other)
    assert client.post(f"/people/import/{TOKEN}/apply/").status_code == 404
    assert client.post("/people/import/not-a-token/apply/").status_code == 404
    assert Person.objects.count() == 0


def test_apply_checks_again_and_writes_nothing_if_the_file_no_longer_fits(
    client, mod, personnel_officer, catalogue
):
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table([person_row(), person_row(service_number="QD2")])))
    # Meanwhile someone records the passport for another person.
    other = testing.person(mod["hospital"], "Lê Văn An")
    Passport.objects.create(person=other, number="C2", expires_on=datetime.date(2031, 1, 1))
    html = client.post(f"/people/import/{TOKEN}/apply/", follow=True).content.decode()
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert "The file no longer fits the register: 1 problem, nothing was written." in job.message
    assert "Row 3, Passport number: Passport “C2” is recorded for another person." in html
    assert Person.objects.count() == 1


def test_the_progress_poll_answers_without_the_database(client, db, django_assert_num_queries):
    uploads.Upload(TOKEN).report("check", 250, 1000)
    with django_assert_num_queries(0):
        response = client.get(f"/people/import/{TOKEN}/progress/")
    html = response.content.decode()
    assert "Checking: row 250 of 1,000" in html and 'value="25"' in html
    assert "Waiting" in client.get("/people/import/" + "f" * 32 + "/progress/").content.decode()


def test_a_dry_run_leaves_its_progress_for_the_poll(client, mod, personnel_officer, catalogue):
    client.force_login(personnel_officer)
    upload(client, xlsx_bytes(table([person_row(service_number=f"QD{n}") for n in range(3)])))
    html = client.get(f"/people/import/{TOKEN}/progress/").content.decode()
    assert "Checking: row 3 of 3" in html


def test_the_excel_template_explains_every_column_and_imports_as_it_is(
    client, mod, personnel_officer, catalogue
):
    client.force_login(personnel_officer)
    response = client.get("/people/import/template.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="people-import.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    people, notes = book.worksheets
    headings = [cell.value for cell in people[1]]
    assert headings[:3] == ["Organisation", "Service number", "Name"]
    assert people["A2"].value == "H175"
    assert people["P2"].value == datetime.datetime(2021, 3, 1)  # a real date, not text
    noted = [row[0] for row in notes.iter_rows(values_only=True)]
    assert all(heading in noted for heading in headings)
    # The example row, uploaded back, adds one person with five documents.
    html = upload(client, response.content).content.decode()
    assert 'data-testid="count-create">1<' in html
    assert 'data-testid="count-documents">5<' in html


def test_the_csv_template_has_the_headings_and_a_safe_example(client, mod, personnel_officer):
    client.force_login(personnel_officer)
    content = client.get("/people/import/template.csv").content.decode("utf-8-sig")
    headings, example = content.splitlines()[:2]
    assert headings.startswith("Organisation,Service number,Name,")
    assert "'+84 912 345 678" in example  # a spreadsheet would run +84… as a formula
    assert client.get("/people/import/template.pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_filtered_list_imports_back_unchanged(
    client, mod, personnel_officer, catalogue, fmt
):
    for n in range(30):
        testing.person(
            mod["hospital"],
            f"Nguyễn Thị Hương {n}",
            sex="F",
            rank=catalogue["captain"],
            specialty=catalogue["surgeon"],
            phone="+84 912 345 678" if n % 2 else "",
            email=f"huong{n}@example.org",
            latin_name="NGUYEN THI HUONG" if n == 0 else "",
        )
    testing.person(mod["department"], "Lê Văn An", service="navy")
    client.force_login(personnel_officer)
    exported = client.get("/people/", {"sex": "F", "export": fmt}).content
    before = list(Person.history.values_list("pk", flat=True))
    html = upload(client, exported, f"people.{fmt}").content.decode()
    assert 'data-testid="count-unchanged">30<' in html, html[:3000]
    assert 'data-testid="count-update">0<' in html
    assert "nothing-to-do" in html
    assert list(Person.history.values_list("pk", flat=True)) == before


def test_an_edited_export_updates_only_what_was_edited(client, mod, personnel_officer, catalogue):
    huong = testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F", rank=catalogue["captain"])
    client.force_login(personnel_officer)
    exported = client.get("/people/", {"export": "csv"}).content.decode()
    edited = exported.replace("Captain (OF-2),,", "Captain (OF-2),Surgeon,")
    html = upload(client, edited.encode(), "people.csv").content.decode()
    assert "fields changed: Specialty" in html
    client.post(f"/people/import/{TOKEN}/apply/")
    huong.refresh_from_db()
    assert huong.specialty == catalogue["surgeon"]


def test_it_adds_documents_to_people_already_recorded(client, mod, personnel_officer, catalogue):
    huong = testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="QD0001")
    rows = table(
        [
            {
                "organisation": "H175",
                "service_number": "QD0001",
                "medical_examined": "15/01/2025",
                "medical_result": "fit",
                "medical_valid_until": "15/01/2026",
                "languages": "English B2",
            }
        ]
    )
    client.force_login(personnel_officer)
    upload(client, csv_bytes(rows), "people.csv")
    client.post(f"/people/import/{TOKEN}/apply/")
    assert MedicalClearance.objects.get().person == huong
    assert PersonLanguage.objects.get().person == huong
