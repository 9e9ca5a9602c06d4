"""Builders for tests that need people who meet (or miss) the requirements.

`make_ready` gives a person every document the default requirements of every deployment ask
for (planning/seed.py), valid well past `until`: tests of other apps call it so that the
readiness rules of the workflow let their deployments through, whether or not the seeded
requirements are present in the test database.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from people.models import MedicalClearance, MedicalResult, Passport, Screening, ScreeningStatus
from planning.seed import CPTM_CODE, CPTM_TITLE
from training.models import Course, CourseKind, CourseRun, Enrolment

FAR = datetime.timedelta(days=3 * 365)
# Certificate numbers are unique: generated tests may give one person two certificates of a
# course issued the same day.
_serials = itertools.count(1)


def cptm_course() -> Course:
    return Course.objects.get_or_create(
        code=CPTM_CODE, defaults={"title": CPTM_TITLE, "kind": CourseKind.CORE_PREDEPLOYMENT}
    )[0]


def course_run(course: Course, organisation: Any, starts_on: datetime.date, **extra: Any) -> Any:
    values = {"ends_on": starts_on + datetime.timedelta(days=10), "place": "Hà Nội"}
    values.update({"capacity": 40, **extra})
    return CourseRun.objects.create(
        course=course, organisation=organisation, starts_on=starts_on, **values
    )


def certificate(
    person: Any, course: Course, issued_on: datetime.date, score: int = 90, **extra: Any
) -> Enrolment:
    """A passed enrolment with a certificate issued on `issued_on` (its run starts that day)."""
    run = course_run(course, person.organisation, issued_on)
    return Enrolment.objects.create(
        run=run,
        person=person,
        score=score,
        certificate_number=f"C-{person.pk}-{course.pk}-{issued_on:%Y%m%d}-{next(_serials)}",
        certificate_issued_on=issued_on,
        **extra,
    )


def make_ready(person: Any, until: datetime.date, since: datetime.date | None = None) -> Any:
    """Give `person` a passport, a medical clearance, both screenings cleared and a core
    pre-deployment certificate, all valid well beyond `until`.
    """
    since = since or until - 4 * FAR
    Passport.objects.create(
        person=person,
        number=f"P{person.pk:07d}",
        issued_on=since,
        expires_on=until + FAR,
    )
    MedicalClearance.objects.create(
        person=person, examined_on=since, result=MedicalResult.FIT, valid_until=until + FAR
    )
    for kind in ("human_rights", "misconduct"):
        Screening.objects.create(
            person=person,
            kind=kind,
            status=ScreeningStatus.CLEARED,
            screened_on=since,
            screened_by="Department of Peacekeeping Operations",
        )
    certificate(person, cptm_course(), since)
    return person
