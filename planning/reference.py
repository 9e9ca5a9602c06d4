"""The straightforward way to decide readiness: load each person, check each requirement.

NOT for pages or the workflow (planning.readiness is the engine). It is the yardstick: the
tests check that the engine agrees with it on generated pools, and the benchmark times the
engine against it. Written to be obviously right, in the words of the rules, not to be fast.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.db.models import Prefetch, QuerySet

from core.dates import add_months, whole_years
from people.models import Person, ScreeningStatus
from planning.models import Requirement
from planning.models import RequirementKind as Kind
from planning.rules import FIT_RESULTS, Rule
from training.models import Enrolment


def load_people(people: QuerySet[Person]) -> list[Person]:
    """Each person with every document readiness looks at (a query per kind of document)."""
    return list(
        people.select_related("rank").prefetch_related(
            "passports",
            "medical_clearances",
            "screenings",
            "languages",
            "driving_licences",
            "assessments",
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("run")),
        )
    )


def _latest(records: list, date_field: str) -> object | None:
    return max(records, key=lambda r: (getattr(r, date_field), r.pk), default=None)


def meets(person: Person, r: Requirement, start: datetime.date, end: datetime.date) -> bool:  # noqa: C901 - one branch per kind is the point
    """Whether `person` (loaded by `load_people`) meets `r` for a deployment `start`–`end`."""
    if r.kind == Kind.AGE:
        age = whole_years(person.date_of_birth, start)
        return (r.min_age is None or age >= r.min_age) and (r.max_age is None or age <= r.max_age)
    if r.kind == Kind.SERVICE_YEARS:
        if person.service_start is None:
            return False
        return whole_years(person.service_start, start) >= (r.min_years or 0)
    if r.kind == Kind.RANK:
        if person.rank is None:
            return False
        grade = person.rank.grade
        return (not r.rank_min or grade >= r.rank_min) and (not r.rank_max or grade <= r.rank_max)
    if r.kind == Kind.PASSPORT:
        needed = add_months(end, r.margin_months or 0)
        return any(p.expires_on >= needed for p in person.passports.all())
    if r.kind == Kind.MEDICAL:
        latest = _latest(list(person.medical_clearances.all()), "examined_on")
        needed = add_months(end, r.margin_months or 0)
        return latest is not None and latest.result in FIT_RESULTS and latest.valid_until >= needed
    if r.kind == Kind.SCREENING:
        mine = [s for s in person.screenings.all() if s.kind == r.screening_kind]
        latest = _latest(mine, "screened_on")
        return latest is not None and latest.status == ScreeningStatus.CLEARED
    if r.kind == Kind.COURSE:
        return any(
            e.run.course_id == r.course_id
            and e.passed
            and e.certificate_issued_on is not None
            and (e.certificate_expires_on is None or e.certificate_expires_on >= end)
            for e in person.enrolments.all()
        )
    if r.kind == Kind.ASSESSMENT:
        return any(
            a.kind == r.assessment_kind
            and a.passed
            and (a.valid_until is None or a.valid_until >= end)
            and (r.language_id is None or a.language_id == r.language_id)
            for a in person.assessments.all()
        )
    if r.kind == Kind.LANGUAGE:
        return any(
            skill.language_id == r.language_id and skill.level >= r.language_level
            for skill in person.languages.all()
        )
    if r.kind == Kind.LICENCE:
        held = r.licence_held_months or 0
        return any(
            licence.category.upper() == r.licence_category.upper()
            and add_months(licence.issued_on, held) <= start
            and (licence.expires_on is None or licence.expires_on >= end)
            for licence in person.driving_licences.all()
        )
    raise ValueError(f"unknown requirement kind {r.kind!r}")


def in_batches(people: QuerySet[Person], size: int = 2000) -> Iterator[list[Person]]:
    """`load_people` a page at a time, by id: a whole pool would not fit one IN (…) list."""
    last = 0
    while True:
        batch = load_people(people.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def reference_unmet(
    people: QuerySet[Person], rules: Sequence[Rule], start: datetime.date, end: datetime.date
) -> dict[int, tuple[Rule, ...]]:
    """The engine's `unmet_rules`, one person and one requirement at a time."""
    result = {}
    for batch in in_batches(people):
        for person in batch:
            missed = tuple(
                rule for rule in rules if not meets(person, rule.requirement, start, end)
            )
            if missed:
                result[person.pk] = missed
    return result


def reference_ready_by_position(
    people: QuerySet[Person],
    rules_by_position: dict[int, list[Rule]],
    start: datetime.date,
    end: datetime.date,
) -> dict[int, set[int]]:
    """The engine's `ready_by_position`: every position, every person, every requirement."""
    loaded = [person for batch in in_batches(people) for person in batch]
    return {
        position_id: {
            person.pk
            for person in loaded
            if all(meets(person, rule.requirement, start, end) for rule in rules)
        }
        for position_id, rules in rules_by_position.items()
    }
