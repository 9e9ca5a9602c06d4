"""Why a person is not ready, in plain words, and blocking reasons counted across a rotation.

Built only for the people being explained, after the engine has said who misses what: one
query per kind of document involved, whatever the number of people.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import add_months
from people.models import (
    DrivingLicence,
    MedicalClearance,
    MedicalResult,
    Passport,
    Person,
    PersonLanguage,
    Screening,
    ScreeningStatus,
    whole_years,
)
from planning.describe import age_range_words, level_label, rank_range_words, span_words
from planning.models import RequirementKind as Kind
from planning.rules import FIT_RESULTS, Rule, valid_through
from training.models import Assessment, AssessmentKind, Enrolment

Period = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class Reason:
    """One unmet requirement of one person: the rule, what to count it by, and why."""

    rule: Rule
    text: str

    @property
    def category_key(self) -> str:
        return self.rule.category_key


@dataclass(frozen=True)
class CountedReason:
    key: str
    count: int
    text: str


def _by_person(records: Iterable) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for record in records:
        grouped[record.person_id].append(record)
    return grouped


def _latest(records: list, date_field: str) -> object | None:
    return max(records, key=lambda r: (getattr(r, date_field), r.pk), default=None)


class _Documents:
    """The documents of the people being explained, one query per kind that is needed."""

    def __init__(self, failures: dict[int, tuple[Rule, ...]]) -> None:
        ids = list(failures)
        kinds = {rule.kind for rules in failures.values() for rule in rules}

        def load(kind: str, queryset: QuerySet) -> dict[int, list]:
            return _by_person(queryset.filter(person__in=ids)) if kind in kinds else {}

        self.people: dict[int, Person] = {}
        if kinds & {Kind.AGE, Kind.SERVICE_YEARS, Kind.RANK}:
            people = Person.objects.filter(pk__in=ids).select_related("rank")
            self.people = {person.pk: person for person in people}
        self.passports = load(Kind.PASSPORT, Passport.objects.all())
        self.medicals = load(Kind.MEDICAL, MedicalClearance.objects.all())
        self.screenings = load(Kind.SCREENING, Screening.objects.all())
        self.enrolments = load(Kind.COURSE, Enrolment.objects.select_related("run"))
        self.assessments = load(Kind.ASSESSMENT, Assessment.objects.all())
        self.languages = load(Kind.LANGUAGE, PersonLanguage.objects.all())
        self.licences = load(Kind.LICENCE, DrivingLicence.objects.all())


def _course(rule: Rule, docs: _Documents, pk: int, end: datetime.date) -> str:
    course = rule.requirement.course
    certificates = [
        e
        for e in docs.enrolments.get(pk, [])
        if e.run.course_id == course.pk and e.passed and e.certificate_issued_on
    ]
    lapsing = [e for e in certificates if e.certificate_expires_on is not None]
    if certificates and len(lapsing) == len(certificates):
        last = max(e.certificate_expires_on for e in lapsing)
        return _(
            "%(course)s certificate expires %(date)s, before the deployment ends on %(end)s"
        ) % {"course": course.title, "date": last, "end": end}
    return _("no valid %(course)s certificate") % {"course": course.title}


def _assessment(rule: Rule, docs: _Documents, pk: int, end: datetime.date) -> str:
    r = rule.requirement
    kind = AssessmentKind(r.assessment_kind).label.lower()
    mine = [
        a
        for a in docs.assessments.get(pk, [])
        if a.kind == r.assessment_kind and (not r.language_id or a.language_id == r.language_id)
    ]
    passed = [a for a in mine if a.passed]
    if passed:
        last = max(passed, key=lambda a: (a.valid_until or datetime.date.max, a.pk))
        return _(
            "%(kind)s assessment passed on %(date)s is valid until %(until)s, "
            "before the deployment ends on %(end)s"
        ) % {"kind": kind, "date": last.assessed_on, "until": last.valid_until, "end": end}
    latest = _latest(mine, "assessed_on")
    if latest is not None:
        return _("%(kind)s assessment not passed (last taken %(date)s, score %(score)s%%)") % {
            "kind": kind,
            "date": latest.assessed_on,
            "score": f"{latest.score:.2f}".rstrip("0").rstrip("."),
        }
    return _("no %(kind)s assessment") % {"kind": kind}


def _licence(rule: Rule, docs: _Documents, pk: int, start: datetime.date, end: datetime.date):  # noqa: ANN202
    r = rule.requirement
    category = r.licence_category.upper()
    mine = [d for d in docs.licences.get(pk, []) if d.category.upper() == category]
    if not mine:
        return _("no category %(category)s driving licence") % {"category": category}
    held = r.licence_held_months or 0
    long_enough = [d for d in mine if add_months(d.issued_on, held) <= start]
    if long_enough:  # then each of them lapses before the end, or the rule would be met
        last = max(d.expires_on or end for d in long_enough)
        return _(
            "category %(category)s driving licence expires %(date)s, "
            "before the deployment ends on %(end)s"
        ) % {"category": category, "date": last, "end": end}
    first = min(d.issued_on for d in mine)
    reached = add_months(first, held)
    return ngettext(
        "category %(category)s driving licence issued %(date)s: held %(n)s month only from "
        "%(reached)s, %(span)s after the departure on %(start)s",
        "category %(category)s driving licence issued %(date)s: held %(n)s months only from "
        "%(reached)s, %(span)s after the departure on %(start)s",
        held,
    ) % {
        "category": category,
        "date": first,
        "n": held,
        "reached": reached,
        "span": span_words(start, reached),
        "start": start,
    }


def _screening(rule: Rule, docs: _Documents, pk: int) -> str:
    kind = rule.requirement.get_screening_kind_display().lower()
    mine = [s for s in docs.screenings.get(pk, []) if s.kind == rule.requirement.screening_kind]
    latest = _latest(mine, "screened_on")
    if latest is None:
        return _("no %(kind)s screening") % {"kind": kind}
    if latest.status == ScreeningStatus.PENDING:
        return _("%(kind)s screening of %(date)s is still pending") % {
            "kind": kind,
            "date": latest.screened_on,
        }
    return _("%(kind)s screening of %(date)s: not cleared") % {
        "kind": kind,
        "date": latest.screened_on,
    }


def _medical(rule: Rule, docs: _Documents, pk: int, end: datetime.date) -> str:
    latest = _latest(docs.medicals.get(pk, []), "examined_on")
    if latest is None:
        return _("no medical clearance")
    if latest.result not in FIT_RESULTS:
        return _("the medical examination of %(date)s found the person %(result)s") % {
            "date": latest.examined_on,
            "result": MedicalResult(latest.result).label.lower(),
        }
    needed = valid_through(rule.requirement, end)
    if needed == end:
        return _("medical clearance ends %(date)s, before the deployment ends on %(end)s") % {
            "date": latest.valid_until,
            "end": end,
        }
    return _("medical clearance ends %(date)s, %(span)s before the required %(needed)s") % {
        "date": latest.valid_until,
        "span": span_words(latest.valid_until, needed),
        "needed": needed,
    }


def _passport(rule: Rule, docs: _Documents, pk: int, end: datetime.date) -> str:
    mine = docs.passports.get(pk, [])
    if not mine:
        return _("no passport")
    last = max(p.expires_on for p in mine)
    needed = valid_through(rule.requirement, end)
    return _("passport expires %(date)s, %(span)s before the required %(needed)s") % {
        "date": last,
        "span": span_words(last, needed),
        "needed": needed,
    }


def _person_facts(rule: Rule, docs: _Documents, pk: int, start: datetime.date) -> str:
    r = rule.requirement
    person = docs.people[pk]
    if r.kind == Kind.AGE:
        age = whole_years(person.date_of_birth, start)
        if r.min_age is not None and r.max_age is not None:
            wanted = _("%(range)s required") % {"range": age_range_words(r.min_age, r.max_age)}
        elif r.min_age is not None:
            wanted = _("at least %(n)s required") % {"n": r.min_age}
        else:
            wanted = _("at most %(n)s allowed") % {"n": r.max_age}
        return _("aged %(age)s on %(date)s; %(wanted)s") % {
            "age": age,
            "date": start,
            "wanted": wanted,
        }
    if r.kind == Kind.SERVICE_YEARS:
        if person.service_start is None:
            return _("no service start recorded; %(n)s years of service required") % {
                "n": r.min_years
            }
        years = whole_years(person.service_start, start)
        return ngettext(
            "%(years)s year of service on %(date)s; %(n)s required",
            "%(years)s years of service on %(date)s; %(n)s required",
            years,
        ) % {"years": years, "date": start, "n": r.min_years}
    wanted = rank_range_words(r.rank_min, r.rank_max)
    if person.rank is None:
        return _("no rank recorded; %(wanted)s required") % {"wanted": wanted}
    return _("rank %(grade)s (%(name)s); %(wanted)s required") % {
        "grade": person.rank.get_grade_display(),
        "name": person.rank.name,
        "wanted": wanted,
    }


def _language(rule: Rule, docs: _Documents, pk: int) -> str:
    r = rule.requirement
    mine = [s for s in docs.languages.get(pk, []) if s.language_id == r.language_id]
    needed = level_label(r.language_level)
    if not mine:
        return _("no %(language)s recorded; %(level)s required") % {
            "language": r.language,
            "level": needed,
        }
    best = max(s.level for s in mine)
    return _("%(language)s %(have)s; %(level)s required") % {
        "language": r.language,
        "have": level_label(best),
        "level": needed,
    }


def _text(rule: Rule, docs: _Documents, pk: int, period: Period) -> str:
    start, end = period
    kind = rule.kind
    if kind in (Kind.AGE, Kind.SERVICE_YEARS, Kind.RANK):
        return _person_facts(rule, docs, pk, start)
    if kind == Kind.PASSPORT:
        return _passport(rule, docs, pk, end)
    if kind == Kind.MEDICAL:
        return _medical(rule, docs, pk, end)
    if kind == Kind.SCREENING:
        return _screening(rule, docs, pk)
    if kind == Kind.COURSE:
        return _course(rule, docs, pk, end)
    if kind == Kind.ASSESSMENT:
        return _assessment(rule, docs, pk, end)
    if kind == Kind.LANGUAGE:
        return _language(rule, docs, pk)
    return _licence(rule, docs, pk, start, end)


def explain_failures(
    failures: dict[int, tuple[Rule, ...]], periods: dict[int, Period]
) -> dict[int, list[Reason]]:
    """Person id → the plain-words reason of each rule the engine said they miss.

    `periods` gives each person's deployment period (start, end).
    """
    if not failures:
        return {}
    docs = _Documents(failures)
    return {
        pk: [Reason(rule, _text(rule, docs, pk, periods[pk])) for rule in rules]
        for pk, rules in failures.items()
    }


def count_phrase(count: int, rule: Rule) -> str:
    """ "12 people need a medical check": what `count` people lack, said for `rule`'s kind."""
    r = rule.requirement
    values = {"count": count}
    kind = r.kind
    if kind == Kind.MEDICAL:
        text = ngettext(
            "%(count)s person needs a medical check", "%(count)s people need a medical check", count
        )
    elif kind == Kind.PASSPORT:
        text = ngettext(
            "%(count)s person needs a passport valid long enough",
            "%(count)s people need a passport valid long enough",
            count,
        )
    elif kind == Kind.COURSE:
        values["course"] = r.course.title
        text = ngettext(
            "%(count)s person needs a %(course)s certificate",
            "%(count)s people need a %(course)s certificate",
            count,
        )
    elif kind == Kind.ASSESSMENT:
        values["kind"] = AssessmentKind(r.assessment_kind).label.lower()
        text = ngettext(
            "%(count)s person needs to pass the %(kind)s assessment",
            "%(count)s people need to pass the %(kind)s assessment",
            count,
        )
    elif kind == Kind.SCREENING:
        values["kind"] = r.get_screening_kind_display().lower()
        text = ngettext(
            "%(count)s person needs %(kind)s screening cleared",
            "%(count)s people need %(kind)s screening cleared",
            count,
        )
    elif kind == Kind.LANGUAGE:
        values["language"] = str(r.language)
        text = ngettext(
            "%(count)s person needs a higher level of %(language)s",
            "%(count)s people need a higher level of %(language)s",
            count,
        )
    elif kind == Kind.LICENCE:
        values["category"] = r.licence_category.upper()
        text = ngettext(
            "%(count)s person needs a category %(category)s driving licence held long enough",
            "%(count)s people need a category %(category)s driving licence held long enough",
            count,
        )
    elif kind == Kind.AGE:
        text = ngettext(
            "%(count)s person is outside the age range",
            "%(count)s people are outside the age range",
            count,
        )
    elif kind == Kind.SERVICE_YEARS:
        text = ngettext(
            "%(count)s person lacks the years of service",
            "%(count)s people lack the years of service",
            count,
        )
    else:
        text = ngettext(
            "%(count)s person is outside the rank range",
            "%(count)s people are outside the rank range",
            count,
        )
    return text % values


def count_reasons(reasons: Iterable[list[Reason]]) -> list[CountedReason]:
    """Blocking reasons counted by category, most frequent first; a person counts once each."""
    counts: Counter[str] = Counter()
    sample: dict[str, Rule] = {}
    for person_reasons in reasons:
        for key in {reason.category_key for reason in person_reasons}:
            counts[key] += 1
        for reason in person_reasons:
            sample.setdefault(reason.category_key, reason.rule)
    return [
        CountedReason(key, count, count_phrase(count, sample[key]))
        for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
