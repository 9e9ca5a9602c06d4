"""Rules of a course run that span records: who may join it, and its certificates.

Pages, the spreadsheet import and tests all call these functions, so a full run or a
missing prerequisite is refused with the same message wherever the trainee comes from.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from training.models import TRAINEE_ORDER, Course, CourseRun, Enrolment


def lock_run(pk: int) -> CourseRun:
    """The run, with its course, locked until the transaction ends (call inside one).

    Whoever adds trainees or numbers certificates takes this lock first, so two officers
    cannot both take the last place. `of=("self",)` keeps PostgreSQL from also locking the
    course through the join: that would serialise every run of a course. SQLite ignores the
    lock; its write transaction already holds the database.
    """
    return CourseRun.objects.select_for_update(of=("self",)).select_related("course").get(pk=pk)


def check_capacity(run: CourseRun, adding: int, field: str | None = None) -> None:
    """Refuse when `adding` more trainees would not fit in the run."""
    enrolled = run.enrolments.count()
    if enrolled + adding > run.capacity:
        free = max(run.capacity - enrolled, 0)
        if free == 0:
            message = ngettext(
                "This run is full: its %(capacity)d place is taken.",
                "This run is full: all %(capacity)d places are taken.",
                run.capacity,
            ) % {"capacity": run.capacity}
        else:
            message = ngettext(
                "Only %(free)d place is left on this run; %(adding)d trainees would not fit.",
                "Only %(free)d places are left on this run; %(adding)d trainees would not fit.",
                free,
            ) % {"free": free, "adding": adding}
        raise ValidationError({field: message} if field else message)


def missing_prerequisites(course: Course, people: Iterable[Any], on: datetime.date) -> dict:
    """{person id: [prerequisite courses they have not passed with a certificate valid on `on`]}.

    Two queries whatever the number of people: the prerequisites and the passes.
    """
    required = list(course.prerequisites.all())
    ids = [person.pk for person in people]
    if not required or not ids:
        return {}
    held = set(
        Enrolment.objects.filter(
            person_id__in=ids, run__course__in=required, passed=True, run__ends_on__lte=on
        )
        .filter(Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gte=on))
        .values_list("person_id", "run__course_id")
    )
    missing = {}
    for pk in ids:
        lacking = [c for c in required if (pk, c.pk) not in held]
        if lacking:
            missing[pk] = lacking
    return missing


def prerequisite_message(person: Any, lacking: list[Course]) -> str:
    return _("%(person)s has not passed the prerequisite %(courses)s.") % {
        "person": person,
        "courses": ", ".join(course.code for course in lacking),
    }


def enrol_person(run: CourseRun, person: Any) -> Enrolment:
    """Put one of our people on the run: once only, within capacity, prerequisites passed."""
    with transaction.atomic():
        run = lock_run(run.pk)
        if run.enrolments.filter(person=person).exists():
            raise ValidationError(
                {"person": _("%(person)s is already on this run.") % {"person": person}}
            )
        check_capacity(run, 1, "person")
        lacking = missing_prerequisites(run.course, [person], run.starts_on).get(person.pk)
        if lacking:
            raise ValidationError({"person": prerequisite_message(person, lacking)})
        enrolment = Enrolment(run=run, person=person)
        enrolment.full_clean()
        enrolment.save()
    return enrolment


def enrol_foreign(
    run: CourseRun, name: str, country: str = "", organisation: str = ""
) -> Enrolment:
    """Put an officer of another country on the run (their prerequisites are theirs to vouch)."""
    with transaction.atomic():
        run = lock_run(run.pk)
        enrolment = Enrolment(
            run=run,
            foreign_name=name.strip(),
            foreign_country=country.strip(),
            foreign_organisation=organisation.strip(),
        )
        enrolment.full_clean()
        check_capacity(run, 1, "foreign_name")
        enrolment.save()
    return enrolment


def delete_refusal(run: CourseRun) -> str | None:
    """Why `run` may not be deleted: its results and certificates are people's records."""
    recorded = run.enrolments.filter(
        Q(score__isnull=False) | ~Q(certificate_number="") | Q(certificate_issued_on__isnull=False)
    ).count()
    if not recorded:
        return None
    return ngettext(
        "This run holds %(count)d recorded result; a run with results is kept.",
        "This run holds %(count)d recorded results; a run with results is kept.",
        recorded,
    ) % {"count": recorded}


def certificate_prefix(run: CourseRun) -> str:
    return f"{run.course.code}-{run.ends_on.year}-"


def issue_certificates(run: CourseRun, today: datetime.date) -> int:
    """Number a certificate for everyone who passed and has none: "<code>-<year>-<nnn>".

    Issued on the run's last day; the numbers continue after the highest one already given
    for the course that year, so two runs of one year never share a number. The course row
    is locked on purpose: two runs of one course numbering at once take turns, or both would
    start after the same highest number (the unique constraint would then refuse one).
    """
    if run.ends_on > today:
        raise ValidationError(
            _("The run ends on %(date)s; certificates are issued once it has ended.")
            % {"date": run.ends_on.isoformat()}
        )
    prefix = certificate_prefix(run)
    with transaction.atomic():
        run = lock_run(run.pk)
        Course.objects.select_for_update().get(pk=run.course_id)
        waiting = list(
            run.enrolments.filter(passed=True, certificate_number="")
            .select_related("run__course", "person")
            .order_by(*TRAINEE_ORDER)
        )
        taken = Enrolment.objects.filter(certificate_number__startswith=prefix).values_list(
            "certificate_number", flat=True
        )
        pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
        last = max((int(m.group(1)) for n in taken if (m := pattern.match(n))), default=0)
        for offset, enrolment in enumerate(waiting, start=1):
            enrolment.certificate_number = f"{prefix}{last + offset:03d}"
            enrolment.certificate_issued_on = enrolment.certificate_issued_on or run.ends_on
            enrolment.save()
    return len(waiting)


def refresh_course_results(course: Course) -> int:
    """Recompute the stored pass and certificate expiry of every result of `course`.

    Called when the catalogue changes a pass mark or a validity, so that what readiness
    reads never disagrees with the catalogue. Passes in one UPDATE; expiries (month
    arithmetic) in batches. Returns the number of certificates whose expiry was recomputed.
    """
    results = Enrolment.objects.filter(run__course=course)
    results.update(
        passed=Case(
            When(attended=True, score__gte=course.pass_mark, then=Value(True)),
            default=Value(False),
        )
    )
    results.filter(passed=False).update(certificate_expires_on=None)
    certified = list(
        results.filter(passed=True, certificate_issued_on__isnull=False).only(
            "pk", "certificate_issued_on", "certificate_expires_on"
        )
    )
    changed = []
    for enrolment in certified:
        expiry = course.certificate_expiry(enrolment.certificate_issued_on)
        if expiry != enrolment.certificate_expires_on:
            enrolment.certificate_expires_on = expiry
            changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["certificate_expires_on"], batch_size=1000)
    return len(changed)
