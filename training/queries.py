"""Read-only questions about training, asked by other apps' pages (the person page)."""

from __future__ import annotations

from typing import Any

from training.models import Assessment, CourseRun, Enrolment


def person_training(user: Any, person: Any) -> dict[str, Any]:
    """A person's courses (with results and certificates) and assessments, as `user` sees them.

    At most three queries, whatever the number of rows: enrolments, which of their runs the
    user may open, and assessments. Without the permissions, none.
    """
    enrolments = list(
        Enrolment.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("run__course")
        .order_by("-run__starts_on", "-pk")
    )
    # The certificate is the person's, seen from their unit; the run may belong to another
    # organisation, and is linked only when the user may open it.
    openable = (
        set(
            CourseRun.objects.restrict(user, "view")
            .filter(pk__in={e.run_id for e in enrolments})
            .values_list("pk", flat=True)
        )
        if enrolments
        else set()
    )
    for enrolment in enrolments:
        enrolment.run_openable = enrolment.run_id in openable
    assessments = list(
        Assessment.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("language")
        .order_by("-assessed_on", "-pk")
    )
    return {
        "enrolments": enrolments,
        "assessments": assessments,
        "can_view": user.has_perm("training.view_enrolment")
        or user.has_perm("training.view_assessment"),
        "can_add_assessment": user.has_perm("training.add_assessment"),
    }
