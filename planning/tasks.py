"""A run of the rotation planner as a background job: one rotation or several departing
together, with the locks and swaps of a re-run.

The page (planning.views.planner) checks the form and starts the job with what it asked for;
the worker plans as the job's owner (their pool, the rotations they may change, asked again
in case a grant went meanwhile) and stores the run, whose page the job's outcome opens. A
PlannerError (no open positions, an empty pool, a lock that cannot hold) is the job's failure
message; nothing is stored then.

The job is not one transaction around the whole run (one_transaction=False when started): the
solver may think for seconds, and on SQLite a transaction open that long would hold the
database's write lock and stall every other user's saves. It only reads until the end, where
it stores the run in a transaction of its own.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from core import jobs
from core.models import Job, JobState
from people.models import Person
from planning.planner.accept import may_plan
from planning.planner.instance import PlannerError
from planning.planner.models import PlanRun
from planning.planner.run import plan
from planning.planner.weights import Weights
from units.models import Rotation


def params(
    rotations: list[Rotation],
    weights: Weights,
    rest_months: int,
    specialty_required: bool,
    locks: dict[int, int],
) -> dict[str, Any]:
    """What a run asks for, as the job keeps it (JSON): the first rotation is the page's."""
    return {
        "rotations": [rotation.pk for rotation in rotations],
        "weights": weights.as_dict(),
        "rest_months": rest_months,
        "specialty_required": specialty_required,
        "locks": {str(position): person for position, person in locks.items()},
    }


def title(rotations: list[Rotation]) -> str:
    first, others = rotations[0], len(rotations) - 1
    if not others:
        return _("Plan for %(rotation)s") % {"rotation": first}
    return ngettext(
        "Plan for %(rotation)s and %(count)d more",
        "Plan for %(rotation)s and %(count)d more",
        others,
    ) % {"rotation": first, "count": others}


@task()
def plan_rotations(job_id: int) -> None:
    jobs.execute(job_id, run_planner)


def run_planner(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    owner = job.owner
    # The grant may have been removed since the form was sent.
    if owner is None or not owner.is_active or not may_plan(owner):
        raise jobs.JobRefused(_("You may no longer plan rotations; no plan was made."))
    asked = job.params
    ids = [int(pk) for pk in asked.get("rotations", [])]
    found = {
        rotation.pk: rotation
        for rotation in Rotation.objects.restrict(owner, "change")
        .select_related("unit_type", "mission", "location")
        .filter(pk__in=ids)
    }
    if not ids or len(found) != len(ids):
        raise jobs.JobRefused(
            _("A rotation of this plan is gone or no longer yours to change; no plan was made.")
        )
    rotations = [found[pk] for pk in ids]
    weights = Weights.from_dict(asked.get("weights"))
    locks = {int(position): int(person) for position, person in asked.get("locks", {}).items()}
    try:
        proposal = plan(
            rotations,
            Person.objects.restrict(owner, "view"),
            weights=weights,
            locks=locks,
            rest_months=int(asked["rest_months"]),
            specialty_required=bool(asked["specialty_required"]),
            progress=Steps(progress),
        )
    except PlannerError as error:
        raise jobs.JobRefused("\n".join(str(message) for message in error.messages)) from error
    figures = proposal["figures"]
    message = ngettext(
        "Planned: %(filled)d of %(open)d open position filled.",
        "Planned: %(filled)d of %(open)d open positions filled.",
        figures["open_positions"],
    ) % {"filled": figures["filled"], "open": figures["open_positions"]}
    with transaction.atomic():
        run = PlanRun.objects.create(
            created_by=owner,
            weights=weights.as_dict(),
            rest_months=int(asked["rest_months"]),
            specialty_required=bool(asked["specialty_required"]),
            locks={str(position): person for position, person in locks.items()},
            proposal=proposal,
        )
        run.rotations.set(rotations)
        outcome = jobs.Outcome(
            message=message, url=reverse("planning:plan_run", args=[rotations[0].pk, run.pk])
        )
        # Done is recorded with the run, in one transaction: a worker killed just after
        # leaves a job that links to its run, and a job marked failed meanwhile stores none.
        if not jobs.finish(job, JobState.DONE, message, outcome, only_if_running=True):
            raise jobs.Reaped
    return outcome


class Steps:
    """The planner's progress notes (written for the command line, in English) as the steps
    the job's page shows: which of the three it is in, in the user's language."""

    TOTAL = 3

    def __init__(self, progress: jobs.Progress) -> None:
        self.progress = progress

    def __call__(self, note: str) -> None:
        if note.startswith("Loading"):
            self.progress.report(0, self.TOTAL, _("Loading the people and checking who may go…"))
        elif note.startswith("solved"):
            self.progress.report(2, self.TOTAL, _("Explaining the proposal…"))
        elif note.startswith("explanations"):
            self.progress.report(3, self.TOTAL, _("Storing the plan…"))
        else:  # the pool's size, then the solver's rounds
            self.progress.report(1, self.TOTAL, _("Finding the best roster…"))
