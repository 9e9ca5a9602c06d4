"""Results and certificates on one enrolment: pass from the pass mark, expiry from validity."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import roles, testing
from training.models import Enrolment


def test_a_score_at_the_pass_mark_passes_and_one_below_fails(mod, run):
    at_mark, below = (testing.person(mod["hospital"], name) for name in ("An", "Bình"))
    assert Enrolment.objects.create(run=run, person=at_mark, score=60).passed is True
    assert Enrolment.objects.create(run=run, person=below, score=Decimal("59.99")).passed is False


def test_an_absent_trainee_does_not_pass(mod, run):
    enrolment = Enrolment.objects.create(
        run=run, person=testing.person(mod["hospital"]), attended=False
    )
    assert enrolment.passed is False


def test_the_certificate_expires_the_day_before_its_validity_ends(mod, run):
    enrolment = Enrolment.objects.create(
        run=run,
        person=testing.person(mod["hospital"]),
        score=80,
        certificate_number="UN-CPTM-2025-001",
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    assert enrolment.certificate_expires_on == datetime.date(2028, 3, 13)


def test_a_certificate_of_a_course_without_validity_never_expires(mod, run, cptm):
    cptm.validity_months = None
    cptm.save()
    enrolment = Enrolment.objects.create(
        run=run,
        person=testing.person(mod["hospital"]),
        score=80,
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    assert enrolment.passed and enrolment.certificate_expires_on is None


def test_the_database_refuses_a_certificate_number_given_twice_but_not_two_without_one(mod, run):
    first, second = (
        Enrolment.objects.create(run=run, person=testing.person(mod["hospital"], name), score=80)
        for name in ("An", "Bình")
    )
    assert Enrolment.objects.filter(certificate_number="").count() == 2
    Enrolment.objects.filter(pk=first.pk).update(certificate_number="UN-CPTM-2025-001")
    # A write that skips clean() (a bulk update, a race) still cannot reuse the number.
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.filter(pk=second.pk).update(certificate_number="UN-CPTM-2025-001")
    second.certificate_number = "UN-CPTM-2025-001"
    with pytest.raises(ValidationError) as error:
        second.validate_constraints()
    assert error.value.messages == ["This number is already on another certificate."]


def test_it_refuses_a_certificate_dated_before_its_run(mod, run):
    enrolment = Enrolment(
        run=run,
        person=testing.person(mod["hospital"]),
        score=80,
        certificate_number="X-1",
        certificate_issued_on=datetime.date(2025, 3, 2),
    )
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert (
        "before its run starts (2025-03-03)" in error.value.message_dict["certificate_issued_on"][0]
    )


def test_it_refuses_a_certificate_for_a_trainee_who_failed(mod, run):
    enrolment = Enrolment(
        run=run,
        person=testing.person(mod["hospital"]),
        score=40,
        certificate_issued_on=datetime.date(2025, 3, 14),
    )
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "Only a trainee who passed" in error.value.message_dict["certificate_number"][0]


def test_it_refuses_a_foreign_trainee_without_a_name(run):
    with pytest.raises(ValidationError) as error:
        Enrolment(run=run, foreign_country="Lao PDR").full_clean()
    assert error.value.message_dict["foreign_name"] == ["Give the foreign trainee's name."]


def test_it_refuses_a_score_for_a_trainee_who_did_not_attend(mod, run):
    enrolment = Enrolment(run=run, person=testing.person(mod["hospital"]), attended=False, score=70)
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "did not attend" in error.value.message_dict["score"][0]


@pytest.mark.parametrize("score", [Decimal("-1"), Decimal("100.01")])
def test_it_refuses_a_score_out_of_range(mod, run, score):
    enrolment = Enrolment(run=run, person=testing.person(mod["hospital"]), score=score)
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "score" in error.value.message_dict


def test_a_certificate_is_seen_by_the_trainees_unit_and_by_the_organiser(mod, mps, run):
    """The hospital's officer sees the certificate of their surgeon from the department's run;
    the police side, neither organiser nor the trainee's unit, sees nothing."""
    surgeon = testing.person(mod["hospital"], "Phạm Thị Thu")
    enrolment = Enrolment.objects.create(run=run, person=surgeon, score=90)
    hospital_officer = testing.user("h175", roles.PERSONNEL_OFFICER, mod["hospital"])
    organiser = testing.user("dpko", roles.TRAINING_OFFICER, mod["department"])
    police = testing.user("mps", roles.TRAINING_OFFICER, mps["ministry"])
    assert list(Enrolment.objects.restrict(hospital_officer, "view")) == [enrolment]
    assert list(Enrolment.objects.restrict(organiser, "view")) == [enrolment]
    assert not Enrolment.objects.restrict(police, "view").exists()
    # Changing a result stays with the organiser of the run.
    hospital_trainer = testing.user("h175-trainer", roles.TRAINING_OFFICER, mod["hospital"])
    assert not Enrolment.objects.restrict(hospital_trainer, "change").exists()
    assert Enrolment.objects.restrict(organiser, "change").exists()
