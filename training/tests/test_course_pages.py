"""The course catalogue: read by everyone, edited by administrators."""

import datetime

import pytest

from core import versions
from training.models import Course, CourseRun, Enrolment


def course_form(course, **changes):
    """The edit form of `course` as loaded now, with `changes` typed in."""
    values = {
        **versions.form_fields(course),
        "code": course.code,
        "title": course.title,
        "kind": course.kind,
        "provider": course.provider,
        "pass_mark": str(course.pass_mark),
        "validity_months": course.validity_months or "",
        "prerequisites": [c.pk for c in course.prerequisites.all()],
    }
    values.update(changes)
    return values


def test_the_catalogue_of_30_courses_is_one_bounded_page(
    client, viewer, django_assert_max_num_queries
):
    for n in range(30):
        Course.objects.create(code=f"C-{n:02d}", title=f"Course {n}", kind="specialised")
    client.force_login(viewer)
    with django_assert_max_num_queries(9):
        response = client.get("/training/courses/")
    assert response.status_code == 200
    assert "C-29" in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "language"}, {"EN-T"}),
        ({"provider": "centre"}, {"EN-T"}),
        ({"q": "humanitarian"}, {"IHL-T"}),
    ],
)
def test_the_catalogue_filters_by_kind_provider_and_search(client, viewer, query, expected):
    Course.objects.create(code="EN-T", title="English", kind="language", provider="Centre 1")
    Course.objects.create(code="IHL-T", title="Humanitarian law", kind="ihl", provider="MND")
    client.force_login(viewer)
    table = client.get("/training/courses/", query).context["table"]
    assert {row.record.code for row in table.rows} & {"EN-T", "IHL-T"} == expected


def test_a_course_page_shows_its_prerequisites_and_only_runs_in_scope(
    client, mod, mps, cptm, viewer
):
    staff = Course.objects.create(code="SOC-T", title="Staff officer course", kind="staff_officer")
    staff.prerequisites.add(cptm)
    for org, place in [(mod["hospital"], "Hà Nội"), (mps["police"], "Police academy")]:
        CourseRun.objects.create(
            course=staff,
            organisation=org,
            starts_on=datetime.date(2025, 5, 5),
            ends_on=datetime.date(2025, 5, 30),
            place=place,
            capacity=12,
        )
    client.force_login(viewer)
    text = client.get(staff.get_absolute_url()).content.decode()
    assert f'<a href="{cptm.get_absolute_url()}">UN-CPTM</a>' in text
    assert "Hà Nội" in text and "Police academy" not in text
    assert "/edit/" not in text  # a viewer changes nothing


def test_a_training_officer_may_not_change_the_catalogue(client, cptm, training_officer):
    client.force_login(training_officer)
    assert client.get(f"/training/courses/{cptm.pk}/edit/").status_code == 404
    assert client.get("/training/courses/add/").status_code == 403


def test_an_administrator_changes_a_validity_and_stored_certificates_follow(
    client, mod, run, cptm, administrator
):
    from core import testing

    enrolment = Enrolment.objects.create(
        run=run,
        person=testing.person(mod["hospital"]),
        score=80,
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    client.force_login(administrator)
    response = client.post(
        f"/training/courses/{cptm.pk}/edit/", course_form(cptm, validity_months="12")
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.certificate_expires_on == datetime.date(2026, 3, 13)


def test_it_refuses_prerequisites_that_lead_back_to_the_course(client, cptm, administrator):
    staff = Course.objects.create(code="SOC-T", title="Staff officer course", kind="staff_officer")
    staff.prerequisites.add(cptm)
    client.force_login(administrator)
    response = client.post(
        f"/training/courses/{cptm.pk}/edit/", course_form(cptm, prerequisites=[staff.pk])
    )
    assert "lead back to this course" in response.content.decode()
    assert not cptm.prerequisites.exists()


def test_it_refuses_a_pass_mark_out_of_range(client, cptm, administrator):
    client.force_login(administrator)
    response = client.post(f"/training/courses/{cptm.pk}/edit/", course_form(cptm, pass_mark="101"))
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    cptm.refresh_from_db()
    assert cptm.pass_mark == 60


def test_the_history_of_a_course_shows_who_changed_its_pass_mark(client, cptm, administrator):
    client.force_login(administrator)
    client.post(f"/training/courses/{cptm.pk}/edit/", course_form(cptm, pass_mark="65"))
    text = client.get(f"/training/courses/{cptm.pk}/history/").content.decode()
    assert "admin" in text and "65" in text
