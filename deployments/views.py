"""Pages of deployments: the list, one deployment with its decisions, nomination, dates.

Every page takes its records from `restrict(user, action)`; every change goes through
`deployments.workflow`, whose refusals come back to the page as messages on the fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import versions
from core.parsing import parse_id, query_text
from core.views import generic
from deployments import workflow
from deployments.filtersets import DeploymentFilterSet
from deployments.forms import (
    NominationForm,
    RescheduleForm,
    StepForm,
    show_refusal,
    step_form,
)
from deployments.models import Deployment, State
from deployments.queries import nomination_candidates
from deployments.tables import DeploymentTable
from units.models import Position

# Everything a row of the list and the heading of a deployment show, in one query.
deployments = Deployment.objects.select_related(
    "person__rank",
    "person__organisation",
    "person__specialty",
    "position__specialty",
    "position__rotation__mission",
    "position__rotation__unit_type",
    "position__rotation__location",
)

# A picker, not a register: a planner who sees 20 names types more of the one they want.
CANDIDATE_LIMIT = 20

STEP_BUTTONS = {
    State.SCREENED: gettext_lazy("Mark as screened"),
    State.TRAINED: gettext_lazy("Mark as trained"),
    State.APPROVED: gettext_lazy("Record the approval"),
    State.DEPLOYED: gettext_lazy("Record the arrival"),
    State.REPATRIATED: gettext_lazy("Record the return"),
    State.WITHDRAWN: gettext_lazy("Withdraw"),
}


def may_change(request: HttpRequest, deployment: Deployment) -> bool:
    return Deployment.objects.restrict(request.user, "change").filter(pk=deployment.pk).exists()


class DeploymentListView(generic.ObjectListView):
    queryset = deployments
    filterset_class = DeploymentFilterSet
    table_class = DeploymentTable


class DeploymentDetailView(generic.ObjectDetailView):
    queryset = deployments
    template_name = "deployments/deployment.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        deployment = self.get_object(request, pk)
        return self.render_page(request, deployment, may_change(request, deployment))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Move the deployment one step; a refusal shows the page again with its messages."""
        deployment = self.get_object(request, pk)
        if not may_change(request, deployment):
            raise PermissionDenied
        to_state = request.POST.get("to_state", "")
        form = step_form(to_state, deployment, request.POST)
        if form.is_valid():
            try:
                workflow.transition(
                    deployment, to_state, by=request.user, **form.workflow_arguments()
                )
            except workflow.WorkflowError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("%(deployment)s is now %(state)s.")
                    % {
                        "deployment": deployment.person,
                        "state": deployment.get_state_display().lower(),
                    },
                )
                return HttpResponseRedirect(deployment.get_absolute_url())
        # Only a user who may change the deployment gets this far.
        return self.render_page(
            request, deployment, changeable=True, bound=form, bound_state=to_state
        )

    def render_page(
        self,
        request: HttpRequest,
        deployment: Deployment,
        changeable: bool,
        bound: StepForm | None = None,
        bound_state: str = "",
    ) -> HttpResponse:
        """The page; `changeable` is `may_change`, asked once by the caller."""
        user = request.user
        actions = []
        if changeable:
            for target in workflow.allowed_targets(deployment.state):
                # Only approvers are offered the approval form; others see it is awaited.
                if target == State.APPROVED and not workflow.may_approve(user):
                    continue
                form = bound if target == bound_state else step_form(target, deployment)
                actions.append({"state": target, "form": form, "button": STEP_BUTTONS[target]})
        offered = {action["state"] for action in actions}
        # A refused step whose form is not on the page (posted by hand) still says why.
        refusal = bound.errors if bound is not None and bound_state not in offered else None
        context = {
            "object": deployment,
            "model_meta": deployment._meta,
            "can_change": changeable and workflow.may_reschedule(deployment),
            "can_delete": workflow.delete_refusal(deployment, user) is None,
            "may_act": changeable,
            "actions": actions,
            "awaiting_approval": changeable
            and State.APPROVED in workflow.allowed_targets(deployment.state)
            and not workflow.may_approve(user),
            "refusal": refusal,
            # The waiver of an approval comes with its step: no query of its own.
            "transitions": deployment.transitions.select_related("by", "waiver"),
            "languages": deployment.position.languages.select_related("language"),
        }
        return render(request, self.template_name, context)


class DeploymentEditView(generic.ObjectEditView):
    """Only the dates change here, through workflow.reschedule."""

    queryset = Deployment.objects.select_related("person", "position__rotation")
    form_class = RescheduleForm  # type: ignore[assignment]

    def get_object(self, request: HttpRequest, pk: int | None) -> Deployment:
        if pk is None:  # deployments are made by nomination, never from a blank form
            raise Http404
        return super().get_object(request, pk)  # type: ignore[return-value]

    def make_form(self, request: HttpRequest, instance: Deployment) -> RescheduleForm:  # type: ignore[override]
        if request.method == "POST":
            return RescheduleForm(request.POST)
        return RescheduleForm(
            initial={"starts_on": instance.starts_on, "ends_on": instance.ends_on}
        )

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        deployment = self.get_object(request, pk)
        form = self.make_form(request, deployment)
        saved = False
        # The version check and reschedule's own lock and write are one transaction.
        with transaction.atomic():
            conflict = self.check_version(request, deployment)
            if conflict is None and form.is_valid():
                try:
                    workflow.reschedule(
                        deployment,
                        form.cleaned_data["starts_on"],
                        form.cleaned_data["ends_on"],
                        by=request.user,
                    )
                except workflow.WorkflowError as error:
                    show_refusal(form, error)
                else:
                    saved = True
        if conflict is not None:
            versions.keep_their_changes(conflict, [(form, deployment)])
        if saved:
            messages.success(request, _("Saved: %(obj)s") % {"obj": deployment})
            return HttpResponseRedirect(deployment.get_absolute_url())
        return self.render_form(request, form, deployment)  # type: ignore[arg-type]


class DeploymentDeleteView(generic.ObjectDeleteView):
    """Only a mistaken nomination or a withdrawn deployment; the rest is the record."""

    queryset = Deployment.objects.select_related("person", "position__rotation")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        deployment = self.get_object(request, pk)
        refusal = workflow.delete_refusal(deployment, request.user)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(deployment.get_absolute_url())
        return super().get(request, pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        deployment = self.get_object(request, pk)
        label = str(deployment)
        try:
            workflow.delete(deployment, by=request.user)
        except workflow.WorkflowError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(deployment.get_absolute_url())
        messages.success(request, _("Deleted: %(obj)s") % {"obj": label})
        return HttpResponseRedirect(reverse("deployments:deployment_list"))


class DeploymentHistoryView(generic.ObjectHistoryView):
    queryset = Deployment.objects.select_related("person", "position__rotation")


class NominateView(LoginRequiredMixin, View):
    """Put a person forward for one position: find them, then press Nominate."""

    template_name = "deployments/nominate.html"
    partial_template = "deployments/candidates.html"

    def get_position(self, request: HttpRequest) -> Position:
        if not request.user.has_perm("deployments.add_deployment"):
            raise PermissionDenied
        pk = parse_id(request.GET.get("position"))
        if pk is None:
            raise Http404
        return get_object_or_404(
            Position.objects.restrict(request.user, "view").select_related(
                "rotation__mission", "rotation__unit_type", "rotation__location", "specialty"
            ),
            pk=pk,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        position = self.get_position(request)
        form = NominationForm(
            user=request.user,
            initial={
                "starts_on": position.rotation.starts_on,
                "ends_on": position.rotation.ends_on,
            },
        )
        return self.render_page(request, position, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        position = self.get_position(request)
        form = NominationForm(request.POST, user=request.user)
        if form.is_valid():
            starts_on, ends_on = form.nomination_period()
            person = form.cleaned_data["person"]
            try:
                workflow.nominate(
                    person,
                    position,
                    by=request.user,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    note=form.cleaned_data["note"],
                )
            except workflow.WorkflowError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s is nominated for %(position)s.")
                    % {"person": person, "position": position},
                )
                return HttpResponseRedirect(position.rotation.get_absolute_url())
        return self.render_page(request, position, form)

    def render_page(
        self, request: HttpRequest, position: Position, form: NominationForm
    ) -> HttpResponse:
        query = query_text(request.GET.get("q"))
        context: dict[str, Any] = {
            "position": position,
            "rotation": position.rotation,
            "form": form,
            "query": query,
            "candidates": nomination_candidates(
                request.user, position, query, limit=CANDIDATE_LIMIT
            ),
            "limit": CANDIDATE_LIMIT,
            "title": _("Nominate for %(position)s") % {"position": position},
        }
        if request.htmx and request.method == "GET":
            return render(request, self.partial_template, context)
        context["languages"] = position.languages.select_related("language")
        return render(request, self.template_name, context)
