"""A run's page: facts, places, the results grid saved all at once, adding trainees."""

import datetime

import pytest

from core import testing, versions
from training.models import Course, CourseRun, Enrolment
from training.tests.builders import trainees

# Session, user, permissions (2), the run, its "change" right, the grants, the grid's rows, the
# rows the user may only read, which trainees the user may see, the base template's roles:
# never per row.
RUN_PAGE_QUERIES = 13


def grid_data(enrolments, **rows):
    """A POST of the whole grid as loaded now; `rows` maps an index to the fields changed."""
    data = {
        **versions.form_fields(*enrolments),
        "results-TOTAL_FORMS": str(len(enrolments)),
        "results-INITIAL_FORMS": str(len(enrolments)),
        "results-MIN_NUM_FORMS": "0",
        "results-MAX_NUM_FORMS": "1000",
    }
    for index, enrolment in enumerate(enrolments):
        values = {
            "id": enrolment.pk,
            "attended": "on" if enrolment.attended else "",
            "score": "" if enrolment.score is None else str(enrolment.score),
            "certificate_number": enrolment.certificate_number,
            "certificate_issued_on": enrolment.certificate_issued_on or "",
        }
        values.update(rows.get(f"row{index}", {}))
        for key, value in values.items():
            if key == "attended" and not value:
                continue
            data[f"results-{index}-{key}"] = value
    return data


def ordered(run):
    return list(run.enrolments.order_by("person__search_name", "foreign_name", "pk"))


def test_it_shows_a_run_of_30_trainees_with_the_grid_in_bounded_queries(
    client, mod, run, training_officer, django_assert_max_num_queries
):
    trainees(run, mod["hospital"], 29, score=75)
    Enrolment.objects.create(run=run, foreign_name="Somchai Phommasack", foreign_country="Laos")
    client.force_login(training_officer)
    with django_assert_max_num_queries(RUN_PAGE_QUERIES):
        response = client.get(run.get_absolute_url())
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('data-result="passed"') == 29
    assert 'data-testid="places">30 / 30' in text
    assert "Somchai Phommasack" in text and "Laos" in text
    assert "Lt Col Nguyễn Văn Minh" in text
    assert 'name="results-29-score"' in text


def test_saving_the_grid_computes_pass_fail_and_the_certificate_expiry(
    client, mod, run, training_officer
):
    trainees(run, mod["hospital"], 3)
    rows = ordered(run)
    client.force_login(training_officer)
    response = client.post(
        f"/training/runs/{run.pk}/results/",
        grid_data(
            rows,
            row0={
                "score": "85",
                "certificate_number": "C-1",
                "certificate_issued_on": "2025-03-14",
            },
            row1={"score": "45"},
            row2={"attended": ""},
        ),
    )
    assert response.status_code == 302
    first, second, third = ordered(run)
    assert (first.passed, first.certificate_expires_on) == (True, datetime.date(2028, 3, 13))
    assert (second.passed, second.score) == (False, 45)
    assert third.attended is False
    text = client.get(run.get_absolute_url()).content.decode()
    assert "2028-03-13" in text
    assert 'data-result="failed"' in text and 'data-result="absent"' in text


def test_a_grid_with_one_bad_row_saves_nothing_and_marks_the_row_and_field(
    client, mod, run, training_officer
):
    trainees(run, mod["hospital"], 3)
    rows = ordered(run)
    client.force_login(training_officer)
    response = client.post(
        f"/training/runs/{run.pk}/results/",
        grid_data(
            rows,
            row0={"score": "85"},
            row1={"score": "120"},
            row2={
                "score": "70",
                "certificate_number": "C-3",
                "certificate_issued_on": "2025-03-01",
            },
        ),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was saved" in text
    assert "Ensure this value is less than or equal to 100." in text
    assert "A certificate cannot be issued before its run starts (2025-03-03)." in text
    assert text.count('class="table-danger"') == 2
    # The officer's input stays in the grid to be corrected.
    assert 'value="120"' in text
    assert not Enrolment.objects.filter(score__isnull=False).exists()


def test_it_refuses_one_certificate_number_on_two_rows(client, mod, run, training_officer):
    trainees(run, mod["hospital"], 2)
    rows = ordered(run)
    certificate = {
        "score": "90",
        "certificate_number": "C-9",
        "certificate_issued_on": "2025-03-14",
    }
    client.force_login(training_officer)
    response = client.post(
        f"/training/runs/{run.pk}/results/", grid_data(rows, row0=certificate, row1=certificate)
    )
    assert "Also given on row 1 of this grid." in response.content.decode()
    assert not Enrolment.objects.exclude(certificate_number="").exists()


def test_a_viewer_sees_the_results_without_a_grid_to_edit(client, mod, run, viewer):
    trainees(run, mod["hospital"], 2, score=75)
    client.force_login(viewer)
    text = client.get(run.get_absolute_url()).content.decode()
    assert "results-form" not in text and 'data-testid="add-trainee"' not in text
    assert text.count('data-result="passed"') == 2
    grid = grid_data(ordered(run), row0={"score": "10"})
    assert client.post(f"/training/runs/{run.pk}/results/", grid).status_code == 404


def test_a_trainee_from_outside_the_users_organisations_is_counted_but_not_named(
    client, mod, mps, run, training_officer
):
    Enrolment.objects.create(run=run, person=testing.person(mps["police"], "Nguyễn Thị Hồng"))
    client.force_login(training_officer)
    text = client.get(run.get_absolute_url()).content.decode()
    assert "Nguyễn Thị Hồng" not in text
    assert "A trainee from an organisation outside your access" in text
    assert 'data-testid="places">1 / 30' in text


def test_a_run_of_the_other_ministry_is_not_found(client, mps, cptm, training_officer):
    police_run = CourseRun.objects.create(
        course=cptm,
        organisation=mps["police"],
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 3, 14),
        place="Hà Nội",
        capacity=10,
    )
    client.force_login(training_officer)
    for url in ["", "edit/", "history/", "import/", "import/template/", "trainees/?q=a"]:
        assert client.get(f"/training/runs/{police_run.pk}/{url}").status_code == 404
    assert client.post(f"/training/runs/{police_run.pk}/certificates/").status_code == 404
    assert "Hà Nội" not in client.get("/training/runs/").content.decode()


def test_the_officer_finds_people_by_name_without_diacritics_and_adds_one(
    client, mod, mps, run, training_officer
):
    huong = testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F")
    testing.person(mps["police"], "Nguyễn Thị Hồng", sex="F")
    client.force_login(training_officer)
    found = client.get(f"/training/runs/{run.pk}/trainees/", {"q": "nguyen thi"}).content
    assert "Nguyễn Thị Hương".encode() in found and "Nguyễn Thị Hồng".encode() not in found
    response = client.post(f"/training/runs/{run.pk}/trainees/add/", {"person": huong.pk})
    assert response.status_code == 302
    assert run.enrolments.get().person == huong
    again = client.get(f"/training/runs/{run.pk}/trainees/", {"q": "huong"}).content.decode()
    assert "On the run" in again


def test_a_search_with_a_nul_character_finds_nobody(client, mod, run, training_officer):
    # It used to reach the database, where PostgreSQL fails on it (a 500).
    testing.person(mod["hospital"], "Nguyễn Thị Hương", sex="F")
    client.force_login(training_officer)

    for search in (f"/training/runs/{run.pk}/trainees/", "/training/assessments/add/"):
        response = client.get(search, {"q": "huong\x00"})
        assert response.status_code == 200
        assert "Nguyễn Thị Hương" not in response.content.decode()


def test_it_cannot_add_a_person_of_the_other_ministry_by_a_changed_id(
    client, mps, run, training_officer
):
    hong = testing.person(mps["police"], "Nguyễn Thị Hồng", sex="F")
    client.force_login(training_officer)
    response = client.post(f"/training/runs/{run.pk}/trainees/add/", {"person": hong.pk})
    assert response.status_code == 404
    assert not run.enrolments.exists()


def test_it_says_the_run_is_full_and_adds_no_one(client, mod, run, training_officer):
    run.capacity = 1
    run.save()
    trainees(run, mod["hospital"], 1)
    late = testing.person(mod["hospital"], "Lê Văn Muộn")
    client.force_login(training_officer)
    response = client.post(
        f"/training/runs/{run.pk}/trainees/add/", {"person": late.pk}, follow=True
    )
    assert "This run is full: its 1 place is taken." in response.content.decode()
    assert run.enrolments.count() == 1


def test_a_foreign_officer_is_added_by_name_and_refused_without_one(client, run, training_officer):
    client.force_login(training_officer)
    url = f"/training/runs/{run.pk}/trainees/foreign/"
    refused = client.post(url, {"foreign_name": " ", "foreign_country": "Cambodia"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert 'data-field="foreign_name">Give the foreign trainee&#x27;s name.' in text
    assert not run.enrolments.exists()
    client.post(url, {"foreign_name": "Sok Dara", "foreign_country": "Cambodia"})
    assert run.enrolments.get().foreign_country == "Cambodia"


def test_issue_certificates_numbers_those_who_passed(client, mod, run, training_officer):
    trainees(run, mod["hospital"], 2, score=80)
    client.force_login(training_officer)
    response = client.post(f"/training/runs/{run.pk}/certificates/", follow=True)
    text = response.content.decode()
    assert "2 certificates issued." in text
    assert "UN-CPTM-2025-001" in text and "UN-CPTM-2025-002" in text
    assert text.count("2028-03-13") == 2


def test_removing_a_trainee_in_the_grid_deletes_the_enrolment(client, mod, run, training_officer):
    trainees(run, mod["hospital"], 2)
    rows = ordered(run)
    client.force_login(training_officer)
    client.post(f"/training/runs/{run.pk}/results/", grid_data(rows, row1={"DELETE": "on"}))
    assert list(run.enrolments.all()) == rows[:1]


def test_the_capacity_cannot_fall_below_the_trainees_already_enrolled(
    client, mod, run, training_officer
):
    trainees(run, mod["hospital"], 3)
    client.force_login(training_officer)
    response = client.post(
        f"/training/runs/{run.pk}/edit/",
        {
            "course": run.course_id,
            "organisation": run.organisation_id,
            "starts_on": "2025-03-03",
            "ends_on": "2025-03-14",
            "place": "Hà Nội",
            "capacity": "2",
        },
    )
    assert "3 trainees are already on this run" in response.content.decode()
    run.refresh_from_db()
    assert run.capacity == 30


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, {"UN-CPTM", "IHL-T"}),
        ({"kind": "ihl"}, {"IHL-T"}),
        ({"year": "2024"}, {"IHL-T"}),
        ({"q": "cptm"}, {"UN-CPTM"}),
    ],
)
def test_the_run_list_filters_by_kind_year_and_search(
    client, mod, run, training_officer, query, expected
):
    ihl = Course.objects.create(code="IHL-T", title="Humanitarian law", kind="ihl")
    CourseRun.objects.create(
        course=ihl,
        organisation=mod["hospital"],
        starts_on=datetime.date(2024, 12, 16),
        ends_on=datetime.date(2025, 1, 10),
        place="Đà Nẵng",
        capacity=20,
    )
    client.force_login(training_officer)
    table = client.get("/training/runs/", query).context["table"]
    assert {row.record.course.code for row in table.rows} == expected


def test_the_run_list_of_30_runs_is_one_bounded_page(
    client, mod, cptm, training_officer, django_assert_max_num_queries
):
    for n in range(30):
        run = CourseRun.objects.create(
            course=cptm,
            organisation=mod["hospital"],
            starts_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * n),
            ends_on=datetime.date(2020, 1, 10) + datetime.timedelta(days=30 * n),
            place=f"Place {n}",
            capacity=30,
        )
        trainees(run, mod["hospital"], 1, score=80)
    client.force_login(training_officer)
    with django_assert_max_num_queries(12):
        response = client.get("/training/runs/")
    assert len(response.context["table"].page.object_list) == 30
    assert "Place 29" in response.content.decode()


def test_the_run_list_exports_the_filtered_runs_with_their_figures(
    client, mod, run, training_officer
):
    trainees(run, mod["hospital"], 3, score=70)
    client.force_login(training_officer)
    csv = client.get("/training/runs/", {"export": "csv", "year": "2025"}).content.decode()
    header, line = csv.splitlines()[:2]
    assert header.startswith("Course,Title,Starts on,Ends on,Place,Organised by,Capacity")
    assert line.startswith("UN-CPTM,UN Core Pre-deployment Training Materials (CPTM),2025-03-03")
    assert line.endswith(",30,3,3")


def test_a_run_with_results_is_not_deleted_and_an_empty_one_is(client, mod, run, training_officer):
    trainees(run, mod["hospital"], 1, score=70)
    client.force_login(training_officer)
    response = client.post(f"/training/runs/{run.pk}/delete/", follow=True)
    assert "This run holds 1 recorded result" in response.content.decode()
    assert CourseRun.objects.filter(pk=run.pk).exists()
    run.enrolments.update(score=None)
    client.post(f"/training/runs/{run.pk}/delete/")
    assert not CourseRun.objects.filter(pk=run.pk).exists()


def test_it_refuses_a_certificate_number_already_given_on_another_run(
    client, mod, run, training_officer
):
    other_run = CourseRun.objects.create(
        course=run.course,
        organisation=run.organisation,
        starts_on=run.starts_on,
        ends_on=run.ends_on,
        place=run.place,
        capacity=5,
    )
    (holder,) = trainees(other_run, mod["hospital"], 1)
    Enrolment.objects.filter(pk=holder.pk).update(
        score=90, passed=True, certificate_number="C-9", certificate_issued_on=run.ends_on
    )
    trainees(run, mod["hospital"], 1)
    certificate = {
        "score": "90",
        "certificate_number": "C-9",
        "certificate_issued_on": "2025-03-14",
    }
    client.force_login(training_officer)

    response = client.post(
        f"/training/runs/{run.pk}/results/", grid_data(ordered(run), row0=certificate)
    )

    assert "This number is already on another certificate." in response.content.decode()
    assert Enrolment.objects.filter(certificate_number="C-9").count() == 1
