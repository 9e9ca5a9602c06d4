"""Assessments in the style of the UN's Assessment for Mission Service: the rules.

The pass mark, the waiting period before a retake and how long a pass stays valid are data
(`AssessmentRule`, one per kind), edited by administrators; this module applies them. The
pages, the admin and tests record assessments only through `record_assessment`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from training.models import (
    LANGUAGE_COMPONENTS,
    Assessment,
    AssessmentKind,
    AssessmentRule,
    last_valid_day,
)


def combined_score(components: dict[str, Any]) -> Decimal | None:
    """The language score from its four parts (their mean), or None if a part is missing."""
    values = [components.get(name) for name in LANGUAGE_COMPONENTS]
    if any(value is None for value in values):
        return None
    return (sum(Decimal(v) for v in values) / len(values)).quantize(Decimal("0.01"))


def rule_for(kind: str) -> AssessmentRule:
    rule = AssessmentRule.objects.filter(kind=kind).first()
    if rule is None:
        label = dict(AssessmentKind.choices).get(kind, kind)
        raise ValidationError(
            {
                "kind": _(
                    "No rule gives the pass mark of %(kind)s assessments; an administrator "
                    "must add one."
                )
                % {"kind": str(label).lower()}
            }
        )
    return rule


def evaluate(assessment: Assessment, rule: AssessmentRule) -> None:
    """Set `passed` and `valid_until` from the rule (and, for driving, the vision test)."""
    passed = assessment.score is not None and assessment.score >= rule.pass_mark
    if assessment.kind == AssessmentKind.DRIVING:
        passed = passed and bool(assessment.vision_passed)
    assessment.passed = passed
    assessment.valid_until = (
        last_valid_day(assessment.assessed_on, rule.validity_months) if passed else None
    )


def retake_allowed_from(assessment: Assessment, rule: AssessmentRule) -> datetime.date | None:
    """The first day `assessment` may be taken, if an earlier failed attempt makes it wait.

    Only the latest earlier attempt of the same kind (and language) counts: a pass in between
    ends the wait.
    """
    if not rule.retake_wait_days:
        return None
    earlier = Assessment.objects.filter(
        person_id=assessment.person_id,
        kind=assessment.kind,
        assessed_on__lte=assessment.assessed_on,
    ).exclude(pk=assessment.pk)
    if assessment.kind == AssessmentKind.LANGUAGE:
        earlier = earlier.filter(language_id=assessment.language_id)
    latest = earlier.order_by("-assessed_on", "-pk").first()
    if latest is None or latest.passed:
        return None
    allowed = latest.assessed_on + datetime.timedelta(days=rule.retake_wait_days)
    return allowed if assessment.assessed_on < allowed else None


def record_assessment(
    person: Any,
    *,
    kind: str,
    assessed_on: datetime.date,
    assessor_kind: str,
    score: Decimal | None = None,
    language: Any = None,
    reading: Decimal | None = None,
    listening: Decimal | None = None,
    writing: Decimal | None = None,
    interview: Decimal | None = None,
    vision_passed: bool | None = None,
    assessor_name: str = "",
    notes: str = "",
    instance: Assessment | None = None,
) -> Assessment:
    """Record (or correct, with `instance`) one assessment of `person`; return it saved.

    A language score may be left out when all four parts are given: it is their mean.
    Refuses, with a message on the field, a missing score, a score outside 0–100 (the model's
    validators, as the form's fields say it), a missing rule, and a retake inside the rule's
    waiting period after a failed attempt (saying when it is allowed). The page and the API
    call this through AssessmentForm.record, so each refusal reads the same through both.
    """
    components = {
        "reading": reading,
        "listening": listening,
        "writing": writing,
        "interview": interview,
    }
    if score is None and kind == AssessmentKind.LANGUAGE:
        score = combined_score(components)
    if score is None:
        raise ValidationError({"score": _("Give the score (or, for a language, all four parts).")})
    assessment = instance if instance is not None else Assessment(person=person)
    values = {
        "kind": kind,
        "language": language,
        "assessed_on": assessed_on,
        "assessor_kind": assessor_kind,
        "assessor_name": assessor_name,
        "score": score,
        "vision_passed": vision_passed,
        "notes": notes,
        **components,
    }
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.full_clean()
    with transaction.atomic():
        rule = rule_for(kind)
        allowed = retake_allowed_from(assessment, rule)
        if allowed is not None:
            raise ValidationError(
                {
                    "assessed_on": _(
                        "A retake is allowed from %(date)s, %(days)d days after the failed attempt."
                    )
                    % {"date": allowed.isoformat(), "days": rule.retake_wait_days}
                }
            )
        evaluate(assessment, rule)
        assessment.save()
    return assessment


def refresh_rule_results(rule: AssessmentRule) -> int:
    """Re-evaluate every assessment of the rule's kind after the rule changed.

    What readiness reads (`passed`, `valid_until`) must follow the rule as it stands.
    Returns the number of assessments whose result changed.
    """
    changed = []
    for assessment in (
        Assessment.objects.filter(kind=rule.kind)
        .only("pk", "kind", "score", "vision_passed", "assessed_on", "passed", "valid_until")
        .iterator(chunk_size=2000)
    ):
        before = (assessment.passed, assessment.valid_until)
        evaluate(assessment, rule)
        if (assessment.passed, assessment.valid_until) != before:
            changed.append(assessment)
    Assessment.objects.bulk_update(changed, ["passed", "valid_until"], batch_size=1000)
    return len(changed)
