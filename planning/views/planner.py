"""The rotation planner's pages: run it, read the proposal, lock or swap, re-run, accept.

Only users who may nominate (deployments.add_deployment) plan, and only rotations they may
change: any other rotation answers 404, as a missing one. A run is its author's: another user
asking for it gets 404 too. The rules live in planning.planner; these views only call them.
A run of the planner is a background job (planning.tasks): a valid form starts it and the
user follows it on the job's page, which opens the run when done or says why there is none.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core import jobs
from core.parsing import parse_id
from planning import tasks
from planning.planner.accept import accept, may_plan
from planning.planner.forms import PlanForm
from planning.planner.instance import PlannerError
from planning.planner.models import PlanRun
from planning.planner.weights import LABELS
from units.models import Rotation

RECENT_RUNS = 5


def _rotation(request: HttpRequest, pk: int) -> Rotation:
    if not may_plan(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Rotation.objects.restrict(request.user, "change").select_related(
            "unit_type", "mission", "location"
        ),
        pk=pk,
    )


def _run(request: HttpRequest, rotation: Rotation, run_pk: int) -> PlanRun:
    run = get_object_or_404(
        PlanRun.objects.filter(created_by=request.user, rotations=rotation), pk=run_pk
    )
    ids = [r["id"] for r in run.proposal.get("rotations", [])]
    if Rotation.objects.restrict(request.user, "change").filter(pk__in=ids).count() != len(ids):
        raise Http404
    return run


def _messages(error: PlannerError) -> list[str]:
    return [str(m) for m in error.messages]


def _start_plan(request: HttpRequest, form: PlanForm, locks: dict[int, int]) -> HttpResponse:
    """Start the planner for the form's rotations as a job (planning.tasks); its page."""
    rotations = form.rotations()
    job = jobs.start(
        tasks.plan_rotations,
        kind="planning.plan",
        title=tasks.title(rotations),
        user=request.user,
        params=tasks.params(
            rotations,
            form.weights(),
            form.cleaned_data["rest_months"],
            form.cleaned_data["specialty_required"],
            locks,
        ),
        # It reads until its end, then stores the run in a short transaction of its own: no
        # transaction held open (and SQLite locked) while it thinks; still all or nothing.
        one_transaction=False,
    )
    return HttpResponseRedirect(job.get_absolute_url())


class PlanView(LoginRequiredMixin, View):
    """The form that starts a run for a rotation (and those departing with it)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rotation = _rotation(request, pk)
        form = PlanForm(rotation=rotation, user=request.user)
        return self.page(request, rotation, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rotation = _rotation(request, pk)
        form = PlanForm(request.POST, rotation=rotation, user=request.user)
        if form.is_valid():
            return _start_plan(request, form, {})
        return self.page(request, rotation, form, status=400)

    def page(
        self, request: HttpRequest, rotation: Rotation, form: PlanForm, status: int = 200
    ) -> HttpResponse:
        recent = PlanRun.objects.filter(created_by=request.user, rotations=rotation).only(
            "pk", "created", "accepted"
        )[:RECENT_RUNS]
        context = {"rotation": rotation, "form": form, "recent": recent, "labels": LABELS}
        return render(request, "planning/planner.html", context, status=status)


class PlanRunView(LoginRequiredMixin, View):
    """A run's proposal beside the positions; re-run with locks and swaps."""

    def get(self, request: HttpRequest, pk: int, run: int) -> HttpResponse:
        rotation = _rotation(request, pk)
        found = _run(request, rotation, run)
        form = PlanForm(initial=PlanForm.initial_from(found), rotation=rotation, user=request.user)
        return self.page(request, rotation, found, form)

    def post(self, request: HttpRequest, pk: int, run: int) -> HttpResponse:
        rotation = _rotation(request, pk)
        found = _run(request, rotation, run)
        form = PlanForm(request.POST, rotation=rotation, user=request.user)
        errors: list[str] = []
        locks = self.locks(request, found, errors)
        if form.is_valid() and not errors:
            return _start_plan(request, form, locks)
        return self.page(request, rotation, found, form, errors, status=400)

    @staticmethod
    def locks(request: HttpRequest, run: PlanRun, errors: list[str]) -> dict[int, int]:
        """Locks from the ticked rows (their proposed person) and the chosen swaps."""
        proposed = {
            row["position"]: row["person"]["person"]
            for row in run.proposal.get("positions", [])
            if row.get("person")
        }
        locks: dict[int, int] = {}
        for value in request.POST.getlist("lock"):
            locked = parse_id(value)
            if locked in proposed:
                locks[locked] = proposed[locked]
            else:
                errors.append(_("A locked position is not part of this plan."))
        for key, value in request.POST.items():
            if not key.startswith("swap_") or not value:
                continue
            position, person = parse_id(key.removeprefix("swap_")), parse_id(value)
            if position is None or person is None:
                errors.append(_("A swap names an unknown position or person."))
                continue
            locks[position] = person
        return locks

    def page(
        self,
        request: HttpRequest,
        rotation: Rotation,
        run: PlanRun,
        form: PlanForm,
        errors: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        proposal = run.proposal
        groups = [
            (r, [row for row in proposal["positions"] if row["rotation"] == r["id"]])
            for r in proposal["rotations"]
        ]
        context: dict[str, Any] = {
            "rotation": rotation,
            "run": run,
            "form": form,
            "groups": groups,
            "figures": proposal["figures"],
            "errors": errors or [],
        }
        return render(request, "planning/planner_run.html", context, status=status)


class PlanAcceptView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, run: int) -> HttpResponse:
        rotation = _rotation(request, pk)
        found = _run(request, rotation, run)
        try:
            created = accept(found, request.user)
        except PlannerError as error:
            messages.error(request, _("Nothing was nominated:"))
            for message in _messages(error):
                messages.error(request, message)
            return HttpResponseRedirect(reverse("planning:plan_run", args=[rotation.pk, found.pk]))
        messages.success(
            request,
            _("%(n)s people nominated from the plan.") % {"n": len(created)},
        )
        return HttpResponseRedirect(rotation.get_absolute_url())
