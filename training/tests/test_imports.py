"""Results from a spreadsheet, imported by a background job: all rows or none, every error
named by row and column in the job's message."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from core import testing
from core.models import Job, JobState
from training.models import Enrolment
from training.tests.builders import trainees


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("results.xlsx", out.getvalue())


def csv_file(text, name="results.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def upload(client, run, file):
    """Send the file: the import runs as a job (at once in the tests); the finished job."""
    response = client.post(f"/training/runs/{run.pk}/import/", {"file": file})
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    return job


def imported(job):
    """The job's success message, after checking it succeeded and links to its run."""
    assert job.state == JobState.DONE, job.message
    return job.message


def errors(job):
    """The errors a refused job lists under its first line (which says nothing was imported)."""
    assert job.state == JobState.FAILED
    heading, *lines = job.message.splitlines()
    assert heading.startswith("Nothing was imported: ")
    return lines


def test_an_excel_file_records_results_of_trainees_on_the_run_and_adds_new_ones(
    client, mod, run, training_officer
):
    on_run, *_ = trainees(run, mod["hospital"], 1)
    # Excel keeps an all-digit service number as a number: it is read back as the same text.
    newcomer = testing.person(mod["hospital"], "Lê Thị Mai", service_number="1750099")
    client.force_login(training_officer)
    job = upload(
        client,
        run,
        xlsx(
            [
                [
                    "service_number",
                    "foreign_name",
                    "foreign_country",
                    "score",
                    "attended",
                    "certificate_number",
                    "certificate_issued_on",
                ],
                [
                    on_run.person.service_number,
                    None,
                    None,
                    88,
                    "yes",
                    "C-1",
                    datetime.datetime(2025, 3, 14),
                ],
                [1750099.0, None, None, "55", None, None, None],
                [None, "Somchai Phommasack", "Lao PDR", 71.5, "x", None, None],
            ]
        ),
    )
    assert imported(job) == "Imported: 2 trainees added, 1 updated."
    assert (job.title, job.result_url) == (
        "Results of UN-CPTM 2025-03-03 from results.xlsx",
        run.get_absolute_url(),
    )
    on_run.refresh_from_db()
    assert (on_run.score, on_run.passed) == (88, True)
    assert on_run.certificate_expires_on == datetime.date(2028, 3, 13)
    assert run.enrolments.get(person=newcomer).passed is False
    assert run.enrolments.get(foreign_name="Somchai Phommasack").score == 71.5
    assert on_run.history.latest().history_user == training_officer


def test_a_file_with_bad_rows_lists_every_error_and_writes_nothing(
    client, mod, run, training_officer
):
    first, second = trainees(run, mod["hospital"], 2)
    client.force_login(training_officer)
    job = upload(
        client,
        run,
        csv_file(
            "service_number;score;attended;certificate_issued_on\n"
            f"{first.person.service_number};77;yes;\n"
            f"{second.person.service_number};150;yes;\n"
            "NO-SUCH;60;yes;\n"
            f"{first.person.service_number};60;maybe;01/03/2025\n"
            ";;;\n"
            f"{second.person.service_number};abc;yes;2025-13-40\n"
        ),
    )
    assert errors(job) == [
        "Row 3, score: Ensure this value is less than or equal to 100.",
        "Row 4, service_number: No one in your organisations has service number NO-SUCH.",
        "Row 5, service_number: This trainee is already on row 2.",
        "Row 7, service_number: This trainee is already on row 3.",
    ]
    text = client.get(job.get_absolute_url()).content.decode()
    assert "Nothing was imported: 4 problems to correct." in text
    assert "Row 3, score: Ensure this value is less than or equal to 100." in text
    assert "Row 4, service_number: No one in your organisations has service number NO-SUCH." in (
        text
    )
    assert not Enrolment.objects.filter(score__isnull=False).exists()


def test_every_bad_cell_of_a_row_is_reported(client, mod, run, training_officer):
    first, second = trainees(run, mod["hospital"], 2)
    client.force_login(training_officer)
    job = upload(
        client,
        run,
        csv_file(
            "service_number,score,attended,certificate_issued_on\n"
            f"{first.person.service_number},abc,maybe,2025-13-40\n"
            f"{second.person.service_number},80,yes,01/03/2025\n"
        ),
    )
    assert errors(job) == [
        "Row 2, attended: “maybe” is neither yes nor no.",
        "Row 2, score: “abc” is not a number.",
        "Row 2, certificate_issued_on: “2025-13-40” is not a date (write YYYY-MM-DD or "
        "DD/MM/YYYY).",
        "Row 3, certificate_issued_on: A certificate cannot be issued before its run starts "
        "(2025-03-03).",
    ]
    assert not Enrolment.objects.filter(score__isnull=False).exists()


def test_it_refuses_a_file_with_an_unknown_column(client, mod, run, training_officer):
    trainees(run, mod["hospital"], 1)
    client.force_login(training_officer)
    refused = errors(upload(client, run, csv_file("service_number,score,grade\nX,70,A\n")))
    assert len(refused) == 1 and refused[0].startswith("Column “grade”: unknown column")


def test_blank_headings_of_empty_columns_are_not_columns(client, mod, run, training_officer):
    enrolment, *_ = trainees(run, mod["hospital"], 1)
    client.force_login(training_officer)
    file = csv_file(f"service_number,score,,\n{enrolment.person.service_number},66,,\n")
    assert imported(upload(client, run, file)) == "Imported: 0 trainees added, 1 updated."
    enrolment.refresh_from_db()
    assert enrolment.score == 66


def test_it_refuses_a_file_that_would_overfill_the_run(client, mod, run, training_officer):
    run.capacity = 2
    run.save()
    client.force_login(training_officer)
    job = upload(
        client,
        run,
        csv_file("foreign_name,foreign_country\nA Officer,Laos\nB Officer,Laos\nC Officer,Laos\n"),
    )
    assert errors(job) == ["Only 2 places are left on this run; 3 trainees would not fit."]
    assert not run.enrolments.exists()


def test_it_refuses_a_file_that_is_not_a_spreadsheet(client, run, training_officer):
    client.force_login(training_officer)
    pdf = upload(client, run, SimpleUploadedFile("results.pdf", b"%PDF-1.4"))
    assert errors(pdf) == ["Upload an .xlsx or .csv file."]
    broken = upload(client, run, SimpleUploadedFile("results.xlsx", b"PK\x03\x04 not a zip"))
    assert errors(broken) == ["The workbook is damaged or incomplete; save it again and upload it."]


def test_the_template_lists_the_columns_and_the_trainees_already_on_the_run(
    client, mod, run, training_officer
):
    enrolment, *_ = trainees(run, mod["hospital"], 1, score=80)
    Enrolment.objects.create(run=run, foreign_name="=cmd|' /C calc'!A0", foreign_country="X")
    client.force_login(training_officer)
    response = client.get(f"/training/runs/{run.pk}/import/template/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == [
        "service_number",
        "foreign_name",
        "foreign_country",
        "foreign_organisation",
        "attended",
        "score",
    ]
    trainee_rows = sorted(rows[1:], key=lambda row: row[0] or "")
    # A name a spreadsheet would run as a formula is written as plain text.
    assert trainee_rows[0][:5] == [None, "'=cmd|' /C calc'!A0", "X", None, "yes"]
    assert trainee_rows[1][:6] == [enrolment.person.service_number, None, None, None, "yes", 80]
    csv_text = client.get(f"/training/runs/{run.pk}/import/template/", {"format": "csv"})
    assert csv_text.content.decode("utf-8-sig").startswith("service_number,foreign_name,")


def test_a_file_of_the_downloaded_template_imports_back_unchanged(
    client, mod, run, training_officer
):
    first, second, third = trainees(run, mod["hospital"], 3, score=80)
    client.force_login(training_officer)
    template = client.get(f"/training/runs/{run.pk}/import/template/").content
    book = load_workbook(io.BytesIO(template))
    sheet = book["results"]
    header = [cell.value for cell in sheet[1]]
    number_column, score_column = header.index("service_number"), header.index("score")
    for row in sheet.iter_rows(min_row=2):
        if row[number_column].value == second.person.service_number:
            row[score_column].value = 45  # the one change the officer makes
    edited = io.BytesIO()
    book.save(edited)

    job = upload(client, run, SimpleUploadedFile("results.xlsx", edited.getvalue()))

    assert imported(job) == "Imported: 0 trainees added, 3 updated."
    scores = {e.pk: (e.score, e.passed) for e in run.enrolments.all()}
    assert scores == {first.pk: (80, True), second.pk: (45, False), third.pk: (80, True)}


def test_a_foreign_name_a_spreadsheet_would_run_comes_back_as_the_same_trainee(
    client, run, training_officer
):
    """The template writes "-Ahmed" as "'-Ahmed" (formula-safe); the import reads it back."""
    ahmed = Enrolment.objects.create(
        run=run, foreign_name="-Ahmed", foreign_country="+Egypt", score=80
    )
    client.force_login(training_officer)
    url = f"/training/runs/{run.pk}/import/template/"
    for name, content in [
        ("results.xlsx", client.get(url).content),
        ("results.csv", client.get(url, {"format": "csv"}).content),
    ]:
        job = upload(client, run, SimpleUploadedFile(name, content))

        assert imported(job) == "Imported: 0 trainees added, 1 updated.", name
        assert list(run.enrolments.values_list("pk", "foreign_name", "foreign_country")) == [
            (ahmed.pk, "-Ahmed", "+Egypt")
        ]


def test_a_certificate_number_given_twice_or_already_given_is_refused_by_row(
    client, mod, run, training_officer
):
    first, second, third, holder = trainees(run, mod["hospital"], 4)
    Enrolment.objects.filter(pk=holder.pk).update(
        score=90, passed=True, certificate_number="C-1", certificate_issued_on="2025-03-14"
    )
    client.force_login(training_officer)
    job = upload(
        client,
        run,
        csv_file(
            "service_number;score;attended;certificate_number;certificate_issued_on\n"
            f"{first.person.service_number};90;yes;C-2;14/03/2025\n"
            f"{second.person.service_number};90;yes;C-2;14/03/2025\n"
            f"{third.person.service_number};90;yes;C-1;14/03/2025\n"
        ),
    )

    assert errors(job) == [
        "Row 3, certificate_number: Also given on row 2.",
        "Row 4, certificate_number: This number is already on another certificate.",
    ]
    assert not Enrolment.objects.filter(certificate_number="C-2").exists()


def test_a_refused_file_is_the_jobs_failure_on_its_page_and_changes_nothing(
    client, mod, run, training_officer
):
    first, *_ = trainees(run, mod["hospital"], 1)
    client.force_login(training_officer)
    file = csv_file(f"service_number,score\n{first.person.service_number},101\nNO-SUCH,50\n")
    page = client.post(f"/training/runs/{run.pk}/import/", {"file": file}, follow=True)

    job = Job.objects.get()
    assert page.redirect_chain[-1][0] == job.get_absolute_url()
    text = page.content.decode()
    assert 'data-state="failed"' in text
    assert "Nothing was imported: 2 problems to correct." in text
    assert "Row 2, score: Ensure this value is less than or equal to 100." in text
    assert "Row 3, service_number: No one in your organisations has service number NO-SUCH." in (
        text
    )
    first.refresh_from_db()
    assert first.score is None and run.enrolments.count() == 1


def test_a_form_without_a_file_answers_at_once_and_starts_no_job(client, run, training_officer):
    client.force_login(training_officer)
    page = client.post(f"/training/runs/{run.pk}/import/", {})
    assert page.status_code == 200 and "This field is required." in page.content.decode()
    assert not Job.objects.exists()


def test_another_user_cannot_open_the_import_job(client, mod, run, training_officer):
    client.force_login(training_officer)
    job = upload(client, run, csv_file("foreign_name\nA Officer\n"))
    client.force_login(testing.user("other", "Training officer", mod["department"]))
    assert client.get(job.get_absolute_url()).status_code == 404


# The worker closes a connection left in a transaction (Django's close_old_connections), as
# the test's own would be: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_the_file_later_naming_the_officer_in_the_history(
    client, settings, mod, run, training_officer
):
    """On the real queue the request only queues the job; the worker (no request there)
    writes, and the audit history still names who sent the file."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    on_run, *_ = trainees(run, mod["hospital"], 1)
    client.force_login(training_officer)
    file = csv_file(f"service_number,score\n{on_run.person.service_number},75\n")
    job = upload(client, run, file)
    assert job.state == JobState.QUEUED
    on_run.refresh_from_db()
    assert on_run.score is None

    call_command("worker", "--batch", "--no-startup-delay")

    job.refresh_from_db()
    assert imported(job) == "Imported: 0 trainees added, 1 updated."
    on_run.refresh_from_db()
    assert on_run.score == 75
    assert on_run.history.latest().history_user == training_officer
