"""Every kind of requirement, on its boundary days, through the engine and in plain words.

Each case is decided twice, by the engine (in the database) and by the straightforward
per-person reference; they must agree. Deployment: 1 April – 30 September 2026.
"""

import datetime

import pytest

from core import testing
from people.models import (
    DrivingLicence,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Screening,
)
from planning.models import Requirement
from planning.reasons import explain_failures
from planning.reference import reference_unmet
from planning.rules import Rule
from planning.testing import certificate
from planning.tests.conftest import DEPARTS, RETURNS
from training.models import Assessment, Course

pytestmark = pytest.mark.usefixtures("no_requirements")
DAY = datetime.timedelta(days=1)


def missed(person, requirement, start=DEPARTS, end=RETURNS):
    """The reason `person` misses `requirement`, or None if they meet it."""
    from planning.readiness import unmet_rules

    rule = Rule("case", requirement)
    people = Person.objects.filter(pk=person.pk)
    engine = unmet_rules(people, [rule], start, end)
    reference = reference_unmet(people, [rule], start, end)
    assert set(engine) == set(reference), "the engine and the reference disagree"
    reasons = explain_failures(engine, {person.pk: (start, end)})
    found = reasons.get(person.pk)
    return found[0].text if found else None


def born(day):
    return testing.person(testing.organisation("Unit"), "Born", date_of_birth=day)


# --- passport --------------------------------------------------------------------------------


def passport(person, expires_on):
    return Passport.objects.create(
        person=person, number=f"B{Passport.objects.count():07d}", expires_on=expires_on
    )


PASSPORT = Requirement(kind="passport", margin_months=6)


def test_a_passport_expiring_on_the_last_required_day_is_valid(officer):
    passport(officer, datetime.date(2027, 3, 30))  # 30 September 2026 + six months
    assert missed(officer, PASSPORT) is None


def test_a_passport_expiring_the_day_before_is_not(officer):
    passport(officer, datetime.date(2027, 3, 29))
    assert missed(officer, PASSPORT) == (
        "passport expires 2027-03-29, one day before the required 2027-03-30"
    )


def test_it_says_how_long_before_the_required_day_a_passport_expires(officer):
    passport(officer, datetime.date(2026, 3, 1))
    text = missed(officer, PASSPORT, end=datetime.date(2026, 3, 30))
    assert text == "passport expires 2026-03-01, seven months before the required 2026-09-30"


def test_a_newer_passport_makes_an_old_one_irrelevant(officer):
    passport(officer, datetime.date(2024, 1, 1))
    passport(officer, datetime.date(2031, 1, 1))
    assert missed(officer, PASSPORT) is None


def test_no_passport_is_said_so(officer):
    assert missed(officer, PASSPORT) == "no passport"


# --- medical clearance ------------------------------------------------------------------------


def medical(person, valid_until, result="fit", examined_on=datetime.date(2026, 1, 10)):
    return MedicalClearance.objects.create(
        person=person, examined_on=examined_on, result=result, valid_until=valid_until
    )


MEDICAL = Requirement(kind="medical")


@pytest.mark.parametrize("result", ["fit", "restricted"])
def test_a_medical_clearance_ending_on_the_last_day_of_the_deployment_is_valid(officer, result):
    medical(officer, RETURNS, result)
    assert missed(officer, MEDICAL) is None


def test_a_medical_clearance_ending_the_day_before_is_not(officer):
    medical(officer, RETURNS - DAY)
    assert missed(officer, MEDICAL) == (
        "medical clearance ends 2026-09-29, before the deployment ends on 2026-09-30"
    )


def test_a_later_examination_that_finds_the_person_unfit_overrides_a_clearance(officer):
    medical(officer, datetime.date(2027, 1, 1), examined_on=datetime.date(2025, 6, 1))
    medical(officer, datetime.date(2027, 1, 1), "unfit", examined_on=datetime.date(2026, 2, 1))
    assert missed(officer, MEDICAL) == (
        "the medical examination of 2026-02-01 found the person unfit"
    )


def test_no_medical_clearance_is_said_so(officer):
    assert missed(officer, MEDICAL) == "no medical clearance"


# --- course certificate -----------------------------------------------------------------------


@pytest.fixture
def cptm():
    return Course.objects.update_or_create(
        code="UN-CPTM",
        defaults={
            "title": "UN Core Pre-deployment Training",
            "kind": "cptm",
            "validity_months": 24,
        },
    )[0]


def test_a_certificate_expiring_on_the_last_day_of_the_deployment_is_valid(officer, cptm):
    enrolment = certificate(officer, cptm, datetime.date(2024, 10, 1))
    assert enrolment.certificate_expires_on == RETURNS
    assert missed(officer, Requirement(kind="course", course=cptm)) is None


def test_a_certificate_expiring_the_day_before_is_not(officer, cptm):
    certificate(officer, cptm, datetime.date(2024, 9, 30))
    assert missed(officer, Requirement(kind="course", course=cptm)) == (
        "UN Core Pre-deployment Training certificate expires 2026-09-29, "
        "before the deployment ends on 2026-09-30"
    )


def test_a_certificate_of_a_course_without_validity_never_lapses(officer, cptm):
    cptm.validity_months = None
    cptm.save()
    certificate(officer, cptm, datetime.date(2001, 1, 1))
    assert missed(officer, Requirement(kind="course", course=cptm)) is None


def test_a_failed_result_is_no_certificate(officer, cptm):
    run = certificate(officer, cptm, datetime.date(2025, 1, 1)).run
    officer_two = testing.person(officer.organisation, "Failed")
    run.enrolments.create(person=officer_two, score=40)
    assert missed(officer_two, Requirement(kind="course", course=cptm)) == (
        "no valid UN Core Pre-deployment Training certificate"
    )


def test_a_pass_without_a_certificate_issued_does_not_count(officer, cptm):
    run = certificate(
        testing.person(officer.organisation, "Other"), cptm, datetime.date(2025, 1, 1)
    ).run
    run.enrolments.create(person=officer, score=95)
    assert missed(officer, Requirement(kind="course", course=cptm)) == (
        "no valid UN Core Pre-deployment Training certificate"
    )


# --- assessments ------------------------------------------------------------------------------


def assessment(person, kind, passed, valid_until=None, **extra):
    values = {"assessed_on": datetime.date(2025, 5, 1), "assessor_kind": "un", "score": 75}
    values.update(extra)
    return Assessment.objects.create(
        person=person, kind=kind, passed=passed, valid_until=valid_until, **values
    )


def test_an_assessment_passed_and_valid_through_the_end_counts(officer):
    assessment(officer, "firearms", True, valid_until=RETURNS)
    assert missed(officer, Requirement(kind="assessment", assessment_kind="firearms")) is None


def test_an_assessment_lapsing_the_day_before_the_end_does_not(officer):
    assessment(officer, "firearms", True, valid_until=RETURNS - DAY)
    assert missed(officer, Requirement(kind="assessment", assessment_kind="firearms")) == (
        "firearms assessment passed on 2025-05-01 is valid until 2026-09-29, "
        "before the deployment ends on 2026-09-30"
    )


def test_a_failed_assessment_is_reported_with_its_score(officer):
    assessment(officer, "driving", False, score=52)
    assert missed(officer, Requirement(kind="assessment", assessment_kind="driving")) == (
        "driving assessment not passed (last taken 2025-05-01, score 52%)"
    )


def test_an_assessment_of_another_kind_or_language_does_not_count(officer):
    french = testing.language("fr", "French")
    assessment(officer, "language", True, language=french)
    assessment(officer, "driving", True)
    english = Requirement(
        kind="assessment", assessment_kind="language", language=testing.language()
    )
    assert missed(officer, english) == "no language assessment"
    assert missed(officer, Requirement(kind="assessment", assessment_kind="language")) is None


# --- language level ---------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "text"), [(4, None), (5, None), (3, "English B1; B2 required")])
def test_a_language_level_at_or_above_the_required_one_counts(officer, level, text):
    PersonLanguage.objects.create(person=officer, language=testing.language(), level=level)
    requirement = Requirement(kind="language", language=testing.language(), language_level=4)
    assert missed(officer, requirement) == text


def test_a_language_not_recorded_is_said_so(officer):
    requirement = Requirement(kind="language", language=testing.language(), language_level=4)
    assert missed(officer, requirement) == "no English recorded; B2 required"


# --- driving licence --------------------------------------------------------------------------


LICENCE = Requirement(kind="licence", licence_category="B", licence_held_months=12)


def licence(person, issued_on, category="B", expires_on=None):
    return DrivingLicence.objects.create(
        person=person, category=category, issued_on=issued_on, expires_on=expires_on
    )


def test_a_licence_held_exactly_twelve_months_on_the_departure_day_counts(officer):
    licence(officer, datetime.date(2025, 4, 1))
    assert missed(officer, LICENCE) is None


def test_a_licence_issued_a_day_later_does_not(officer):
    licence(officer, datetime.date(2025, 4, 2))
    assert missed(officer, LICENCE) == (
        "category B driving licence issued 2025-04-02: held 12 months only from 2026-04-02, "
        "one day after the departure on 2026-04-01"
    )


def test_months_held_are_counted_to_the_end_of_a_short_month():
    # Issued 31 August: six months later is 28 February, the last day of that month.
    requirement = Requirement(kind="licence", licence_category="B", licence_held_months=6)
    person = testing.person(testing.organisation("Drivers"), "Driver")
    licence(person, datetime.date(2025, 8, 31))
    assert missed(person, requirement, start=datetime.date(2026, 2, 28)) is None
    assert missed(person, requirement, start=datetime.date(2026, 2, 27)) is not None


def test_a_licence_must_last_through_the_deployment_and_be_of_the_category(officer):
    licence(officer, datetime.date(2010, 1, 1), expires_on=RETURNS)
    assert missed(officer, LICENCE) is None
    other = testing.person(officer.organisation, "Other")
    licence(other, datetime.date(2010, 1, 1), expires_on=RETURNS - DAY)
    licence(other, datetime.date(2010, 1, 1), category="C")
    assert missed(other, LICENCE) == (
        "category B driving licence expires 2026-09-29, before the deployment ends on 2026-09-30"
    )
    assert missed(testing.person(officer.organisation, "None"), LICENCE) == (
        "no category B driving licence"
    )


# --- age and years of service -----------------------------------------------------------------


AGE = Requirement(kind="age", min_age=25, max_age=62)


def test_a_twenty_fifth_birthday_on_the_departure_day_meets_the_minimum_age():
    assert missed(born(datetime.date(2001, 4, 1)), AGE) is None


def test_a_twenty_fifth_birthday_the_day_after_departure_does_not():
    assert missed(born(datetime.date(2001, 4, 2)), AGE) == "aged 24 on 2026-04-01; 25–62 required"


def test_a_sixty_third_birthday_on_the_departure_day_is_past_the_maximum():
    assert missed(born(datetime.date(1963, 4, 2)), AGE) is None
    assert missed(born(datetime.date(1963, 4, 1)), AGE) == "aged 63 on 2026-04-01; 25–62 required"


def test_a_minimum_age_alone_is_worded_as_such():
    requirement = Requirement(kind="age", min_age=25)
    assert missed(born(datetime.date(2002, 1, 1)), requirement) == (
        "aged 24 on 2026-04-01; at least 25 required"
    )


def test_someone_born_on_29_february_turns_a_year_older_on_1_march():
    person = born(datetime.date(2004, 2, 29))
    requirement = Requirement(kind="age", min_age=25)
    assert missed(person, requirement, start=datetime.date(2029, 2, 28)) is not None
    assert missed(person, requirement, start=datetime.date(2029, 3, 1)) is None


SERVICE = Requirement(kind="service_years", min_years=5)


def test_five_years_of_service_are_complete_on_the_anniversary(officer):
    officer.service_start = datetime.date(2021, 4, 1)
    officer.save()
    assert missed(officer, SERVICE) is None
    officer.service_start = datetime.date(2021, 4, 2)
    officer.save()
    assert missed(officer, SERVICE) == "4 years of service on 2026-04-01; 5 required"


def test_an_unknown_service_start_never_counts(officer):
    officer.service_start = None
    officer.save()
    assert missed(officer, SERVICE) == ("no service start recorded; 5 years of service required")


# --- rank -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "text"),
    [
        (11, None),
        (13, None),
        (9, "rank OR-9 (Rank 9); OF-1 to OF-3 required"),
        (14, "rank OF-4 (Rank 14); OF-1 to OF-3 required"),
    ],
)
def test_a_rank_inside_the_range_by_grade_counts(officer, grade, text):
    officer.rank = testing.rank(name=f"Rank {grade}", grade=grade)
    officer.save()
    assert missed(officer, Requirement(kind="rank", rank_min=11, rank_max=13)) == text


def test_no_rank_never_counts(officer):
    assert missed(officer, Requirement(kind="rank", rank_min=11)) == (
        "no rank recorded; OF-1 or above required"
    )


# --- screening --------------------------------------------------------------------------------


def screening(person, status, day, kind="human_rights"):
    return Screening.objects.create(
        person=person, kind=kind, status=status, screened_on=day, screened_by="Board"
    )


SCREENING = Requirement(kind="screening", screening_kind="human_rights")


def test_the_latest_screening_of_the_kind_decides(officer):
    screening(officer, "not_cleared", datetime.date(2024, 1, 1))
    screening(officer, "cleared", datetime.date(2025, 1, 1))
    screening(officer, "pending", datetime.date(2025, 6, 1), kind="misconduct")
    assert missed(officer, SCREENING) is None


def test_a_pending_review_after_a_clearance_blocks(officer):
    screening(officer, "cleared", datetime.date(2024, 1, 1))
    screening(officer, "pending", datetime.date(2025, 1, 1))
    assert missed(officer, SCREENING) == "human rights screening of 2025-01-01 is still pending"


def test_on_the_same_day_the_later_record_decides(officer):
    screening(officer, "cleared", datetime.date(2025, 1, 1))
    screening(officer, "not_cleared", datetime.date(2025, 1, 1))
    assert missed(officer, SCREENING) == "human rights screening of 2025-01-01: not cleared"


def test_no_screening_is_said_so(officer):
    assert missed(officer, SCREENING) == "no human rights screening"
