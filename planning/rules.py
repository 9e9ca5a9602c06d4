"""Which requirements apply to a position, and each one as a condition the database evaluates.

A requirement becomes a `Rule`: the stored Requirement (or one derived from the position's own
table entry: its rank range and languages) with a key. `passing(rule, start, end)` is a
condition on Person rows: either a plain column test (age, years of service, rank) or
"the person's id is among those holding a good enough document", an uncorrelated subquery that
both SQLite and PostgreSQL evaluate once per statement, not once per person.

Boundary days, all inclusive: a document expiring on the day it must last to is valid; age,
years of service and how long a licence was held are counted on the departure day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from people.models import (
    DrivingLicence,
    MedicalClearance,
    MedicalResult,
    Passport,
    PersonLanguage,
    Rank,
    Screening,
    ScreeningStatus,
    whole_years,
)
from planning.models import Requirement, applies_to_every_deployment
from planning.models import RequirementKind as Kind
from training.models import Assessment, Enrolment
from units.models import Position, PositionLanguageRequirement

DAY = datetime.timedelta(days=1)
# A clearance with either of these results lets the person deploy.
FIT_RESULTS = [MedicalResult.FIT, MedicalResult.FIT_WITH_RESTRICTIONS]
TABLE_SOURCE = _("The position's entry in the table of organisation")


@dataclass(frozen=True)
class Rule:
    """One requirement as the engine evaluates it.

    `key` names it in results ("req:12" for a stored requirement, "table:rank:11:13" for a
    position's rank range); `signature` is what it asks, so that the same demand made by two
    positions (or twice) is evaluated once.
    """

    key: str
    requirement: Requirement = field(compare=False, hash=False, repr=False)

    @property
    def kind(self) -> str:
        return self.requirement.kind

    @property
    def signature(self) -> tuple:
        return signature(self.requirement)

    @property
    def category_key(self) -> str:
        """What to count blocking reasons by: "medical", "course:UN-CPTM", "screening:…"."""
        r = self.requirement
        if r.kind == Kind.COURSE:
            return f"course:{r.course.code}"
        if r.kind == Kind.ASSESSMENT:
            return f"assessment:{r.assessment_kind}"
        if r.kind == Kind.LANGUAGE:
            return f"language:{r.language.code}"
        if r.kind == Kind.LICENCE:
            return f"licence:{r.licence_category.upper()}"
        if r.kind == Kind.SCREENING:
            return f"screening:{r.screening_kind}"
        return r.kind

    def __str__(self) -> str:
        return self.requirement.describe()


def signature(r: Requirement) -> tuple:
    """The parameters that decide who passes; equal signatures pass the same people."""
    return (
        r.kind,
        r.course_id,
        r.assessment_kind,
        r.language_id,
        r.language_level,
        r.licence_category.upper(),
        r.licence_held_months,
        r.min_years,
        r.min_age,
        r.max_age,
        r.rank_min,
        r.rank_max,
        r.margin_months,
        r.screening_kind,
    )


# --- which requirements apply ----------------------------------------------------------------


def _scope_filter(positions: Sequence[Position]) -> Q:
    rotations = {p.rotation for p in positions}
    return (
        applies_to_every_deployment()
        | Q(position__in=[p.pk for p in positions])
        | Q(unit_type__in={r.unit_type_id for r in rotations})
        | Q(mission__in={r.mission_id for r in rotations})
        | Q(category__in={r.unit_type.category for r in rotations})
    )


def _applies(requirement: Requirement, position: Position) -> bool:
    rotation = position.rotation
    scope = requirement.scope
    if scope == "position":
        return requirement.position_id == position.pk
    if scope == "unit_type":
        return requirement.unit_type_id == rotation.unit_type_id
    if scope == "mission":
        return requirement.mission_id == rotation.mission_id
    if scope == "category":
        return requirement.category == rotation.unit_type.category
    return True


def _from_table(position: Position, languages: Iterable[PositionLanguageRequirement]) -> list:
    """The position's own rank range and languages (units app) as rules, unsaved."""
    rules = []
    if position.rank_min or position.rank_max:
        rank = Requirement(
            kind=Kind.RANK,
            rank_min=position.rank_min,
            rank_max=position.rank_max,
            position=position,
            source=str(TABLE_SOURCE),
        )
        rules.append(Rule(f"table:rank:{position.rank_min}:{position.rank_max}", rank))
    for wanted in languages:
        language = Requirement(
            kind=Kind.LANGUAGE,
            language=wanted.language,
            language_level=wanted.level,
            position=position,
            source=str(TABLE_SOURCE),
        )
        rules.append(Rule(f"table:language:{wanted.language_id}:{wanted.level}", language))
    return rules


def rules_for_positions(
    positions: Sequence[Position], kinds: Iterable[str] | None = None
) -> dict[int, list[Rule]]:
    """The rules of each position: its own, its unit type's, its mission's, its category's,
    every deployment's, and its table entry's rank range and languages.

    Two queries however many positions. Each position must come with `rotation__unit_type`.
    `kinds` keeps only requirements of those kinds (the workflow's steps ask for some).
    """
    if not positions:
        return {}
    stored = list(
        Requirement.objects.filter(_scope_filter(positions))
        .select_related("course", "language")
        .order_by("kind", "pk")
    )
    languages: dict[int, list[PositionLanguageRequirement]] = {}
    for wanted in PositionLanguageRequirement.objects.filter(
        position__in=[p.pk for p in positions]
    ).select_related("language"):
        languages.setdefault(wanted.position_id, []).append(wanted)
    wanted_kinds = set(kinds) if kinds is not None else None
    result: dict[int, list[Rule]] = {}
    for position in positions:
        rules = [Rule(f"req:{r.pk}", r) for r in stored if _applies(r, position)]
        rules += _from_table(position, languages.get(position.pk, []))
        if wanted_kinds is not None:
            rules = [rule for rule in rules if rule.kind in wanted_kinds]
        result[position.pk] = rules
    return result


def rules_for(position: Position, kinds: Iterable[str] | None = None) -> list[Rule]:
    return rules_for_positions([position], kinds)[position.pk]


# --- thresholds on the departure day ---------------------------------------------------------


def _latest_day(start: datetime.date, guess: datetime.date, holds: Callable) -> datetime.date:
    """The last day `d` for which `holds(d)` is true, `holds` being true up to it, false after.

    `guess` is within a few days of it; calendar clamping (29 February, the 31st) is what
    makes the exact day differ from the guess.
    """
    day = guess
    while not holds(day):
        day -= DAY
    while holds(day + DAY):
        day += DAY
    return day


def _years_back(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def born_by(start: datetime.date, years: int) -> datetime.date:
    """The last birthday (or service start) from which `years` are complete on `start`."""
    return _latest_day(start, _years_back(start, years), lambda d: whole_years(d, start) >= years)


def licence_issued_by(start: datetime.date, months: int) -> datetime.date:
    """The last issue day of a licence that has been held `months` months on `start`."""
    return _latest_day(start, add_months(start, -months), lambda d: add_months(d, months) <= start)


def valid_through(requirement: Requirement, end: datetime.date) -> datetime.date:
    """The day a passport or medical clearance must still be valid on (inclusive)."""
    return add_months(end, requirement.margin_months or 0)


# --- conditions -----------------------------------------------------------------------------


def holders(documents: QuerySet, per_person: bool) -> Q:
    """Person rows holding one of `documents`.

    Per person: a correlated EXISTS, a few index lookups for each person (best for a rotation's
    holders or the one person of a workflow step). Otherwise: `id IN (<the documents' person
    ids>)`, an uncorrelated subquery read once for the whole pool (best for 100,000 people).
    """
    documents = documents.filter(person__isnull=False)
    if per_person:
        return Q(Exists(documents.filter(person=OuterRef("pk"))))
    return Q(pk__in=documents.values("person_id"))


def latest_screenings(kind: str) -> QuerySet:
    screenings = Screening.objects.filter(kind=kind)
    later = Screening.objects.filter(person=OuterRef("person"), kind=kind).filter(
        Q(screened_on__gt=OuterRef("screened_on"))
        | Q(screened_on=OuterRef("screened_on"), pk__gt=OuterRef("pk"))
    )
    return screenings.exclude(Exists(later))


def latest_medicals() -> QuerySet:
    later = MedicalClearance.objects.filter(person=OuterRef("person")).filter(
        Q(examined_on__gt=OuterRef("examined_on"))
        | Q(examined_on=OuterRef("examined_on"), pk__gt=OuterRef("pk"))
    )
    return MedicalClearance.objects.exclude(Exists(later))


def valid_certificates(course_id: int, end: datetime.date) -> QuerySet:
    return Enrolment.objects.filter(
        run__course_id=course_id, passed=True, certificate_issued_on__isnull=False
    ).filter(Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gte=end))


def valid_assessments(r: Requirement, end: datetime.date) -> QuerySet:
    found = Assessment.objects.filter(kind=r.assessment_kind, passed=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=end)
    )
    return found.filter(language_id=r.language_id) if r.language_id else found


def passing(
    r: Requirement, start: datetime.date, end: datetime.date, per_person: bool = False
) -> Q:
    """The people who meet `r` for a deployment from `start` to `end`, as a condition on Person.

    A missing value (no rank, no service start) never passes: SQL's unknown is a failure here.
    `per_person` chooses how documents are looked up (see `holders`); the answer is the same.
    """
    if r.kind == Kind.AGE:
        condition = Q()
        if r.min_age is not None:
            condition &= Q(date_of_birth__lte=born_by(start, r.min_age))
        if r.max_age is not None:
            condition &= Q(date_of_birth__gt=born_by(start, r.max_age + 1))
        return condition
    if r.kind == Kind.SERVICE_YEARS:
        return Q(service_start__lte=born_by(start, r.min_years or 0))
    if r.kind == Kind.RANK:
        grades = Rank.objects.all()
        if r.rank_min:
            grades = grades.filter(grade__gte=r.rank_min)
        if r.rank_max:
            grades = grades.filter(grade__lte=r.rank_max)
        # A subquery rather than a join: a join could drop people without a rank.
        return Q(rank_id__in=grades.values("pk"))
    if r.kind == Kind.PASSPORT:
        documents = Passport.objects.filter(expires_on__gte=valid_through(r, end))
    elif r.kind == Kind.MEDICAL:
        documents = latest_medicals().filter(
            result__in=FIT_RESULTS, valid_until__gte=valid_through(r, end)
        )
    elif r.kind == Kind.SCREENING:
        documents = latest_screenings(r.screening_kind).filter(status=ScreeningStatus.CLEARED)
    elif r.kind == Kind.COURSE:
        documents = valid_certificates(r.course_id, end)
    elif r.kind == Kind.ASSESSMENT:
        documents = valid_assessments(r, end)
    elif r.kind == Kind.LANGUAGE:
        documents = PersonLanguage.objects.filter(
            language_id=r.language_id, level__gte=r.language_level
        )
    elif r.kind == Kind.LICENCE:
        licences = DrivingLicence.objects.filter(
            category__iexact=r.licence_category,
            issued_on__lte=licence_issued_by(start, r.licence_held_months or 0),
        )
        documents = licences.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=end))
    else:
        raise ValueError(f"unknown requirement kind {r.kind!r}")
    return holders(documents, per_person)
