"""Who may join a run, and its certificates: capacity, prerequisites, numbering."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import testing
from training import runs
from training.models import Course, CourseRun, Enrolment
from training.tests.builders import trainees

AFTER_THE_RUN = datetime.date(2025, 4, 1)


def test_it_refuses_a_trainee_beyond_the_capacity(mod, run):
    run.capacity = 2
    run.save()
    trainees(run, mod["hospital"], 2)
    third = testing.person(mod["hospital"], "Lê Văn Cường")
    with pytest.raises(ValidationError) as error:
        runs.enrol_person(run, third)
    assert error.value.message_dict["person"] == ["This run is full: all 2 places are taken."]
    with pytest.raises(ValidationError):
        runs.enrol_foreign(run, "Somchai Phommasack", "Lao PDR")
    assert run.enrolments.count() == 2


def test_it_refuses_the_same_person_twice(mod, run):
    person = testing.person(mod["hospital"], "Lê Văn Cường")
    runs.enrol_person(run, person)
    with pytest.raises(ValidationError) as error:
        runs.enrol_person(run, person)
    assert "already on this run" in error.value.messages[0]


def test_it_refuses_a_person_who_has_not_passed_a_prerequisite(mod, run, cptm):
    staff = Course.objects.create(code="UN-SOC-T", title="Staff officer", kind="staff_officer")
    staff.prerequisites.add(cptm)
    staff_run = CourseRun.objects.create(
        course=staff,
        organisation=mod["department"],
        starts_on=datetime.date(2025, 5, 5),
        ends_on=datetime.date(2025, 5, 30),
        place="Hà Nội",
        capacity=10,
    )
    failed, passed = (testing.person(mod["hospital"], name) for name in ("Failed", "Passed"))
    Enrolment.objects.create(run=run, person=failed, score=40)
    Enrolment.objects.create(
        run=run, person=passed, score=80, certificate_issued_on=datetime.date(2025, 3, 14)
    )
    with pytest.raises(ValidationError) as error:
        runs.enrol_person(staff_run, failed)
    assert error.value.messages == ["Failed has not passed the prerequisite UN-CPTM."]
    assert runs.enrol_person(staff_run, passed).pk


def test_a_foreign_officer_joins_with_a_name_and_country(run):
    enrolment = runs.enrol_foreign(run, "  Somchai Phommasack ", "Lao PDR", "Lao People's Army")
    assert enrolment.foreign_name == "Somchai Phommasack"
    assert enrolment.trainee_name == "Somchai Phommasack"


def test_it_refuses_a_foreign_officer_without_a_name(run):
    with pytest.raises(ValidationError) as error:
        runs.enrol_foreign(run, "   ", "Cambodia")
    assert error.value.message_dict["foreign_name"] == ["Give the foreign trainee's name."]
    assert not run.enrolments.exists()


def test_certificates_are_numbered_for_those_who_passed_and_continue_the_year(mod, run, cptm):
    Enrolment.objects.create(
        run=CourseRun.objects.create(
            course=cptm,
            organisation=mod["department"],
            starts_on=datetime.date(2025, 1, 6),
            ends_on=datetime.date(2025, 1, 17),
            place="Hà Nội",
            capacity=5,
        ),
        foreign_name="Earlier trainee",
        score=90,
        certificate_number="UN-CPTM-2025-007",
        certificate_issued_on=datetime.date(2025, 1, 17),
    )
    passed = trainees(run, mod["hospital"], 2, score=Decimal(75))
    failed = trainees(run, mod["hospital"], 1, score=Decimal(30))
    assert runs.issue_certificates(run, AFTER_THE_RUN) == 2
    numbers = sorted(
        Enrolment.objects.filter(pk__in=[e.pk for e in passed]).values_list(
            "certificate_number", "certificate_issued_on", "certificate_expires_on"
        )
    )
    assert numbers == [
        ("UN-CPTM-2025-008", datetime.date(2025, 3, 14), datetime.date(2028, 3, 13)),
        ("UN-CPTM-2025-009", datetime.date(2025, 3, 14), datetime.date(2028, 3, 13)),
    ]
    failed[0].refresh_from_db()
    assert failed[0].certificate_number == ""
    # Pressing the button again issues nothing twice.
    assert runs.issue_certificates(run, AFTER_THE_RUN) == 0


def test_it_refuses_to_issue_certificates_before_the_run_ends(mod, run):
    trainees(run, mod["hospital"], 1, score=Decimal(75))
    with pytest.raises(ValidationError) as error:
        runs.issue_certificates(run, datetime.date(2025, 3, 13))
    assert "ends on 2025-03-14" in error.value.messages[0]


def test_a_changed_pass_mark_or_validity_is_applied_to_the_results_already_stored(mod, run, cptm):
    pass_then_fail, *_ = trainees(
        run,
        mod["hospital"],
        1,
        score=Decimal(65),
        certificate_number="A-1",
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    still_passes, *_ = trainees(
        run,
        mod["hospital"],
        1,
        score=Decimal(90),
        certificate_number="A-2",
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    cptm.pass_mark = 70
    cptm.validity_months = 24
    cptm.save()
    runs.refresh_course_results(cptm)
    pass_then_fail.refresh_from_db()
    still_passes.refresh_from_db()
    assert (pass_then_fail.passed, pass_then_fail.certificate_expires_on) == (False, None)
    assert still_passes.passed
    assert still_passes.certificate_expires_on == datetime.date(2027, 3, 13)
