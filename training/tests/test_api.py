"""Training over the REST API: the training app's forms and rules, the same scope as the pages."""

import datetime

import pytest
from django.urls import reverse

from core import testing
from core.testing import api
from training.models import Assessment, CourseRun, Enrolment
from training.tests.builders import language_test, trainees


@pytest.fixture
def foreign_run(mps, cptm):
    return CourseRun.objects.create(
        course=cptm,
        organisation=mps["police"],
        starts_on=datetime.date(2025, 5, 5),
        ends_on=datetime.date(2025, 5, 16),
        place="Hà Nội",
        capacity=10,
    )


def test_runs_are_read_in_scope_and_another_ministrys_run_is_not_found(viewer, run, foreign_run):
    client = api(viewer)

    listed = client.get(reverse("api:courserun-list")).json()

    assert [row["id"] for row in listed["results"]] == [run.pk]
    assert client.get(reverse("api:courserun-detail", args=[foreign_run.pk])).status_code == 404
    assert client.get(reverse("api:courserun-list"), {"year": 2025}).json()["count"] == 1


def test_a_training_officer_runs_a_course_and_a_viewer_cannot(training_officer, viewer, mod, cptm):
    payload = {
        "course": cptm.pk,
        "organisation": mod["department"].pk,
        "starts_on": "2025-09-01",
        "ends_on": "2025-09-12",
        "place": "Hà Nội",
        "capacity": 2,
    }

    assert api(viewer).post(reverse("api:courserun-list"), payload).status_code == 403
    created = api(training_officer).post(reverse("api:courserun-list"), payload)
    backwards = api(training_officer).post(
        reverse("api:courserun-list"), {**payload, "ends_on": "2025-08-01"}
    )

    assert created.status_code == 201, created.content
    assert backwards.json() == {"ends_on": ["A run cannot end before it starts."]}


def test_a_runs_capacity_cannot_drop_below_its_trainees_as_on_the_page(training_officer, run, mod):
    trainees(run, mod["hospital"], 3)
    client = api(training_officer)
    url = reverse("api:courserun-detail", args=[run.pk])

    response = client.patch(url, {"capacity": 2}, HTTP_IF_MATCH=client.get(url)["ETag"])

    assert response.status_code == 400
    assert "capacity" in response.json()
    run.refresh_from_db()
    assert run.capacity == 30


def test_trainees_are_enrolled_through_the_runs_rules(training_officer, run, mod, mps):
    client = api(training_officer)
    ours = testing.person(mod["hospital"], "Lê Thị Mai")
    theirs = testing.person(mps["police"], "Phạm Công An")
    run.capacity = 2
    run.save()

    first = client.post(reverse("api:enrolment-list"), {"run": run.pk, "person": ours.pk})
    again = client.post(reverse("api:enrolment-list"), {"run": run.pk, "person": ours.pk})
    foreign = client.post(
        reverse("api:enrolment-list"),
        {"run": run.pk, "foreign_name": "Somchai", "foreign_country": "Thailand"},
    )
    full = client.post(reverse("api:enrolment-list"), {"run": run.pk, "foreign_name": "Ana"})
    hidden = client.post(reverse("api:enrolment-list"), {"run": run.pk, "person": theirs.pk})

    assert first.status_code == 201, first.content
    assert again.json() == {"person": ["Lê Thị Mai is already on this run."]}
    assert foreign.status_code == 201, foreign.content
    assert "full" in full.json()["foreign_name"][0]
    assert "does not exist" in hidden.json()["person"][0]
    assert run.enrolments.count() == 2


def test_a_trainee_named_neither_way_is_refused_as_on_the_run_page(training_officer, run):
    response = api(training_officer).post(reverse("api:enrolment-list"), {"run": run.pk})

    assert response.status_code == 400
    assert response.json() == {"foreign_name": ["Give the foreign trainee's name."]}
    assert not run.enrolments.exists()


def test_the_enrolment_list_shows_the_latest_run_first_and_its_trainees_by_name(
    viewer, run, mod, cptm
):
    earlier = CourseRun.objects.create(
        course=cptm,
        organisation=mod["department"],
        starts_on=datetime.date(2024, 3, 4),
        ends_on=datetime.date(2024, 3, 15),
        place="Hà Nội",
        capacity=30,
    )
    old = Enrolment.objects.create(run=earlier, foreign_name="Aaron Early")
    second = Enrolment.objects.create(run=run, foreign_name="Zed Later")
    first = Enrolment.objects.create(run=run, foreign_name="Anna Later")

    listed = api(viewer).get(reverse("api:enrolment-list")).json()["results"]

    assert [row["id"] for row in listed] == [first.pk, second.pk, old.pk]


def test_a_result_is_recorded_with_the_forms_rules(training_officer, run, mod):
    (enrolment,) = trainees(run, mod["hospital"], 1)
    client = api(training_officer)
    url = reverse("api:enrolment-detail", args=[enrolment.pk])

    failed_with_certificate = client.patch(
        url,
        {"score": "40", "certificate_number": "C-1", "certificate_issued_on": "2025-03-14"},
        HTTP_IF_MATCH=client.get(url)["ETag"],
    )
    passed = client.patch(
        url,
        {"score": "75", "certificate_number": "C-1", "certificate_issued_on": "2025-03-14"},
        HTTP_IF_MATCH=client.get(url)["ETag"],
    )

    assert failed_with_certificate.status_code == 400
    assert "certificate_number" in failed_with_certificate.json()
    assert passed.status_code == 200, passed.content
    assert passed.json()["passed"] is True
    assert passed.json()["certificate_expires_on"] == "2028-03-13"


def test_a_certificate_number_already_given_is_refused_over_the_api(training_officer, run, mod):
    first, second = trainees(run, mod["hospital"], 2)
    client = api(training_officer)
    certificate = {
        "score": "90",
        "certificate_number": "C-7",
        "certificate_issued_on": "2025-03-14",
    }
    urls = [reverse("api:enrolment-detail", args=[e.pk]) for e in (first, second)]

    given = client.patch(urls[0], certificate, HTTP_IF_MATCH=client.get(urls[0])["ETag"])
    again = client.patch(urls[1], certificate, HTTP_IF_MATCH=client.get(urls[1])["ETag"])

    assert given.status_code == 200, given.content
    assert again.status_code == 400
    assert again.json() == {
        "certificate_number": ["This number is already on another certificate."]
    }
    assert Enrolment.objects.filter(certificate_number="C-7").count() == 1


def test_assessments_are_recorded_through_the_rules_and_a_retake_waits(
    training_officer, rules, mod, police_officer_user
):
    person = testing.person(mod["hospital"], "Lê Thị Mai")
    language_test(person, datetime.date(2025, 1, 10), 40)
    client = api(training_officer)
    payload = {
        "person": person.pk,
        "kind": "language",
        "language": testing.language().pk,
        "assessed_on": "2025-02-10",
        "assessor_kind": "un",
        "score": "80",
    }

    early = client.post(reverse("api:assessment-list"), payload)
    later = client.post(reverse("api:assessment-list"), {**payload, "assessed_on": "2025-08-01"})

    assert early.status_code == 400
    assert "A retake is allowed from 2025-07-09" in early.json()["assessed_on"][0]
    assert later.status_code == 201, later.content
    assert later.json()["passed"] is True
    assert Assessment.objects.filter(person=person).count() == 2
    hidden = api(police_officer_user).get(
        reverse("api:assessment-detail", args=[later.json()["id"]])
    )
    assert hidden.status_code == 404


def test_an_assessment_with_fields_of_another_kind_is_refused_on_the_field(
    training_officer, rules, mod
):
    person = testing.person(mod["hospital"], "Lê Thị Mai")
    response = api(training_officer).post(
        reverse("api:assessment-list"),
        {
            "person": person.pk,
            "kind": "firearms",
            "assessed_on": "2025-02-10",
            "assessor_kind": "national",
            "score": "90",
            "reading": "50",
        },
    )
    assert response.status_code == 400
    assert response.json() == {"reading": ["Only a language assessment has this component."]}


def test_a_language_assessment_without_a_score_is_refused_on_the_score_field(
    training_officer, rules, mod
):
    person = testing.person(mod["hospital"], "Lê Thị Mai")
    response = api(training_officer).post(
        reverse("api:assessment-list"),
        {
            "person": person.pk,
            "kind": "language",
            "language": testing.language().pk,
            "assessed_on": "2025-02-10",
            "assessor_kind": "un",
            "reading": "70",
        },
    )
    assert response.status_code == 400
    # The same words as on the page (test_assessment_pages): both come from the rules.
    assert response.json() == {"score": ["Give the score (or, for a language, all four parts)."]}
    assert not Assessment.objects.exists()


def test_the_course_catalogue_is_kept_by_administrators(administrator, training_officer, cptm):
    client = api(administrator)
    payload = {"code": "UNSOC", "title": "UN Staff Officer Course", "kind": "staff_officer"}

    assert api(training_officer).post(reverse("api:course-list"), payload).status_code == 403
    created = client.post(reverse("api:course-list"), {**payload, "prerequisites": [cptm.pk]})
    assert created.status_code == 201, created.content
    url = reverse("api:course-detail", args=[cptm.pk])
    loop = client.patch(
        url, {"prerequisites": [created.json()["id"]]}, HTTP_IF_MATCH=client.get(url)["ETag"]
    )
    assert loop.status_code == 400
    assert "lead back to this course" in loop.json()["prerequisites"][0]


def test_lists_cost_a_few_queries_for_many_rows(
    viewer, run, mod, rules, django_assert_max_num_queries
):
    for enrolment in trainees(run, mod["hospital"], 30, score=70):
        language_test(enrolment.person, datetime.date(2025, 1, 10), 70)
    client = api(viewer)
    client.get(reverse("api:enrolment-list"))

    for name in ("api:enrolment-list", "api:assessment-list", "api:courserun-list"):
        with django_assert_max_num_queries(8):
            response = client.get(reverse(name), {"page_size": 30})
        assert response.status_code == 200
    assert Enrolment.objects.count() == 30
