"""Results from a spreadsheet: all rows or none, every error named by row and column."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core import testing
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
    return client.post(f"/training/runs/{run.pk}/import/", {"file": file})


def test_an_excel_file_records_results_of_trainees_on_the_run_and_adds_new_ones(
    client, mod, run, training_officer
):
    on_run, *_ = trainees(run, mod["hospital"], 1)
    # Excel keeps an all-digit service number as a number: it is read back as the same text.
    newcomer = testing.person(mod["hospital"], "Lê Thị Mai", service_number="1750099")
    client.force_login(training_officer)
    response = upload(
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
    assert response.status_code == 302
    on_run.refresh_from_db()
    assert (on_run.score, on_run.passed) == (88, True)
    assert on_run.certificate_expires_on == datetime.date(2028, 3, 13)
    assert run.enrolments.get(person=newcomer).passed is False
    assert run.enrolments.get(foreign_name="Somchai Phommasack").score == 71.5
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Imported: 2 trainees added, 1 updated."]


def test_a_file_with_bad_rows_lists_every_error_and_writes_nothing(
    client, mod, run, training_officer
):
    first, second = trainees(run, mod["hospital"], 2)
    client.force_login(training_officer)
    response = upload(
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
    assert response.status_code == 200
    assert response.context["report"].errors == [
        "Row 3, score: Ensure this value is less than or equal to 100.",
        "Row 4, service_number: No one in your organisations has service number NO-SUCH.",
        "Row 5, service_number: This trainee is already on row 2.",
        "Row 7, service_number: This trainee is already on row 3.",
    ]
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "Row 3, score: Ensure this value is less than or equal to 100." in text
    assert "Row 4, service_number: No one in your organisations has service number NO-SUCH." in (
        text
    )
    assert not Enrolment.objects.filter(score__isnull=False).exists()


def test_every_bad_cell_of_a_row_is_reported(client, mod, run, training_officer):
    first, second = trainees(run, mod["hospital"], 2)
    client.force_login(training_officer)
    response = upload(
        client,
        run,
        csv_file(
            "service_number,score,attended,certificate_issued_on\n"
            f"{first.person.service_number},abc,maybe,2025-13-40\n"
            f"{second.person.service_number},80,yes,01/03/2025\n"
        ),
    )
    assert response.context["report"].errors == [
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
    response = upload(client, run, csv_file("service_number,score,grade\nX,70,A\n"))
    errors = response.context["report"].errors
    assert len(errors) == 1 and errors[0].startswith("Column “grade”: unknown column")


def test_blank_headings_of_empty_columns_are_not_columns(client, mod, run, training_officer):
    enrolment, *_ = trainees(run, mod["hospital"], 1)
    client.force_login(training_officer)
    file = csv_file(f"service_number,score,,\n{enrolment.person.service_number},66,,\n")
    assert upload(client, run, file).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.score == 66


def test_it_refuses_a_file_that_would_overfill_the_run(client, mod, run, training_officer):
    run.capacity = 2
    run.save()
    client.force_login(training_officer)
    response = upload(
        client,
        run,
        csv_file("foreign_name,foreign_country\nA Officer,Laos\nB Officer,Laos\nC Officer,Laos\n"),
    )
    assert response.context["report"].errors == [
        "Only 2 places are left on this run; 3 trainees would not fit."
    ]
    assert not run.enrolments.exists()


def test_it_refuses_a_file_that_is_not_a_spreadsheet(client, run, training_officer):
    client.force_login(training_officer)
    response = upload(client, run, SimpleUploadedFile("results.pdf", b"%PDF-1.4"))
    assert response.context["report"].errors == ["Upload an .xlsx or .csv file."]
    broken = upload(client, run, SimpleUploadedFile("results.xlsx", b"PK\x03\x04 not a zip"))
    assert broken.context["report"].errors == [
        "The workbook is damaged or incomplete; save it again and upload it."
    ]


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

    response = upload(client, run, SimpleUploadedFile("results.xlsx", edited.getvalue()))

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Imported: 0 trainees added, 3 updated."]
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
        response = upload(client, run, SimpleUploadedFile(name, content))

        assert response.status_code == 302, name
        assert [str(m) for m in response.wsgi_request._messages][-1] == (
            "Imported: 0 trainees added, 1 updated."
        )
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
    response = upload(
        client,
        run,
        csv_file(
            "service_number;score;attended;certificate_number;certificate_issued_on\n"
            f"{first.person.service_number};90;yes;C-2;14/03/2025\n"
            f"{second.person.service_number};90;yes;C-2;14/03/2025\n"
            f"{third.person.service_number};90;yes;C-1;14/03/2025\n"
        ),
    )

    assert response.context["report"].errors == [
        "Row 3, certificate_number: Also given on row 2.",
        "Row 4, certificate_number: This number is already on another certificate.",
    ]
    assert not Enrolment.objects.filter(certificate_number="C-2").exists()
