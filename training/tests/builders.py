"""Builders of the training tests: trainees on a run, assessments recorded through the rules."""

from __future__ import annotations

import datetime
from typing import Any

from core import testing
from training.assessments import record_assessment
from training.models import Enrolment


def trainees(run: Any, org: Any, count: int, **result: Any) -> list[Enrolment]:
    """`count` of our people on `run` (named "Học viên 01"…), with `result` fields set."""
    made = []
    for n in range(count):
        person = testing.person(org, f"Học viên {n + 1:02d}", rank=testing.rank())
        made.append(Enrolment.objects.create(run=run, person=person, **result))
    return made


def language_test(person: Any, on: datetime.date, score: int, **extra: Any) -> Any:
    values = {
        "kind": "language",
        "language": testing.language(),
        "assessed_on": on,
        "assessor_kind": "un",
        "score": score,
    }
    values.update(extra)
    return record_assessment(person, **values)
