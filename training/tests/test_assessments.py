"""Assessments by the rules: pass marks, the vision test, validity and the wait to retake."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import testing
from training import assessments
from training.models import Assessment, AssessmentRule
from training.tests.builders import language_test

DAY = datetime.date(2025, 6, 2)


@pytest.fixture
def officer(mod):
    return testing.person(mod["hospital"], "Đỗ Minh Tuấn", service="police")


def test_a_language_score_at_the_pass_mark_passes_and_is_valid_for_the_rules_months(officer, rules):
    passed = language_test(officer, DAY, 60)
    assert passed.passed is True
    assert passed.valid_until == datetime.date(2027, 6, 1)


def test_a_language_score_below_the_pass_mark_fails_and_has_no_validity(officer, rules):
    failed = language_test(officer, DAY, Decimal("59.5"))
    assert (failed.passed, failed.valid_until) == (False, None)


def test_a_language_score_is_the_mean_of_its_four_parts_when_not_given(officer, rules):
    assessment = language_test(
        officer, DAY, None, reading=70, listening=65, writing=50, interview=61
    )
    assert assessment.score == Decimal("61.50")
    assert assessment.passed


def test_driving_needs_the_vision_test_as_well_as_the_score(officer, rules):
    values = {"kind": "driving", "assessed_on": DAY, "assessor_kind": "national", "score": 90}
    failed_vision = assessments.record_assessment(officer, vision_passed=False, **values)
    assert failed_vision.passed is False
    with pytest.raises(ValidationError) as error:
        assessments.record_assessment(officer, **values)
    assert error.value.message_dict["vision_passed"] == [
        "Record whether the vision test was passed."
    ]


def test_firearms_passes_from_its_own_pass_mark(officer, rules):
    values = {"kind": "firearms", "assessed_on": DAY, "assessor_kind": "un"}
    assert not assessments.record_assessment(officer, score=69, **values).passed
    later = DAY + datetime.timedelta(days=30)
    assert assessments.record_assessment(officer, score=70, **{**values, "assessed_on": later})


def test_it_refuses_a_retake_inside_the_waiting_period_and_says_when_it_is_allowed(officer, rules):
    language_test(officer, DAY, 40)
    with pytest.raises(ValidationError) as error:
        language_test(officer, DAY + datetime.timedelta(days=179), 75)
    assert error.value.message_dict["assessed_on"] == [
        "A retake is allowed from 2025-11-29, 180 days after the failed attempt."
    ]
    assert Assessment.objects.count() == 1
    assert language_test(officer, datetime.date(2025, 11, 29), 75).passed


def test_a_retake_of_another_language_does_not_wait(officer, rules):
    language_test(officer, DAY, 40)
    french = testing.language("fr", "French")
    assert language_test(officer, DAY + datetime.timedelta(days=1), 70, language=french).passed


def test_after_a_pass_a_new_attempt_does_not_wait(officer, rules):
    language_test(officer, DAY, 80)
    assert language_test(officer, DAY + datetime.timedelta(days=1), 50).pk


@pytest.mark.parametrize("field", ["score", "reading"])
def test_it_refuses_a_score_out_of_range(officer, rules, field):
    values = {"score": 70, field: Decimal("100.5")}
    with pytest.raises(ValidationError) as error:
        language_test(officer, DAY, **values)
    # The model's validator, worded as the page's and the API's field says it.
    assert error.value.message_dict[field] == ["Ensure this value is less than or equal to 100."]
    assert not Assessment.objects.exists()


def test_it_refuses_a_language_assessment_without_a_language(officer, rules):
    with pytest.raises(ValidationError) as error:
        language_test(officer, DAY, 70, language=None)
    assert error.value.message_dict["language"] == ["Choose the language assessed."]


def test_it_refuses_an_assessment_without_a_rule(officer, db):
    AssessmentRule.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        language_test(officer, DAY, 70)
    assert "an administrator must add one" in error.value.message_dict["kind"][0]


def test_correcting_an_attempt_does_not_count_it_as_its_own_earlier_failure(officer, rules):
    failed = language_test(officer, DAY, 40)
    corrected = language_test(officer, DAY, 64, instance=failed)
    assert corrected.pk == failed.pk and corrected.passed


def test_a_changed_rule_is_applied_to_the_assessments_already_stored(officer, rules):
    kept = language_test(officer, DAY, 65)
    rule = rules["language"]
    rule.pass_mark = 70
    rule.save()
    assert assessments.refresh_rule_results(rule) == 1
    kept.refresh_from_db()
    assert (kept.passed, kept.valid_until) == (False, None)
