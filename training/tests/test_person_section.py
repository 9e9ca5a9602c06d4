"""The person page's "Training and assessments": results, certificates and their expiry."""

import datetime

from core import roles, testing
from training.models import CourseRun, Enrolment
from training.tests.builders import language_test

# The people page's own bound (people/tests/test_person_page.py) plus the three queries of
# this section: enrolments, which of their runs the user may open, assessments.
PAGE_QUERIES = 23


def test_the_person_page_lists_courses_certificates_and_assessments_in_bounded_queries(
    client, mod, cptm, run, rules, personnel_officer, django_assert_max_num_queries
):
    person = testing.person(mod["hospital"], "Phạm Thị Thu", sex="F")
    for n in range(12):
        other_run = CourseRun.objects.create(
            course=cptm,
            organisation=mod["department"],
            starts_on=datetime.date(2010 + n, 1, 4),
            ends_on=datetime.date(2010 + n, 1, 15),
            place="Hà Nội",
            capacity=30,
        )
        Enrolment.objects.create(run=other_run, person=person, score=50)
        language_test(person, datetime.date(2010 + n, 6, 1), 80)
    Enrolment.objects.create(
        run=run,
        person=person,
        score=91,
        certificate_number="UN-CPTM-2025-004",
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    client.force_login(personnel_officer)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(person.get_absolute_url())
    text = response.content.decode()
    section = text[text.index('data-testid="enrolments"') : text.index('data-testid="deployments"')]
    assert "UN-CPTM-2025-004" in section and "2028-03-13" in section
    assert section.count("Failed") == 12
    assert f'href="{run.get_absolute_url()}"' in section
    assert section.count("Language") == 12


def test_the_trainees_unit_sees_the_certificate_of_a_run_it_cannot_open(client, mod, run):
    """The hospital's personnel officer reads the certificate of a run the department held."""
    person = testing.person(mod["hospital"], "Phạm Thị Thu", sex="F")
    Enrolment.objects.create(
        run=run,
        person=person,
        score=91,
        certificate_number="UN-CPTM-2025-004",
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    hospital_officer = testing.user("h175", roles.PERSONNEL_OFFICER, mod["hospital"])
    client.force_login(hospital_officer)
    text = client.get(person.get_absolute_url()).content.decode()
    assert "UN-CPTM-2025-004" in text
    assert f'href="{run.get_absolute_url()}"' not in text
    assert client.get(run.get_absolute_url()).status_code == 404


def test_a_role_without_training_permissions_sees_no_training_section(client, mod):
    from django.contrib.auth.models import Group, Permission

    person = testing.person(mod["hospital"])
    group = Group.objects.create(name="Register only")
    group.permissions.set(Permission.objects.filter(codename="view_person"))
    user = testing.user("people-only", group.name, mod["department"])
    client.force_login(user)
    text = client.get(person.get_absolute_url()).content.decode()
    assert "Training and assessments" not in text
