"""Deployments over the REST API: every change goes through deployments.workflow.

- POST /api/deployments/ nominates a person for a position (workflow.nominate);
- PUT/PATCH changes the dates (workflow.reschedule), nothing else;
- POST /api/deployments/<id>/transition/ takes one step of the decision process
  (workflow.transition): the same rules, messages and records as the deployment page;
- DELETE removes a mistaken nomination or a withdrawn deployment (workflow.delete).

A refused step (WorkflowError) answers 400 with the workflow's messages on their fields, and
changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_base import ScopedReadViewSet, ScopedSerializer, ScopedViewSet, simple_filterset
from deployments import workflow
from deployments.filtersets import DeploymentFilterSet
from deployments.models import Authority, Deployment, State, Transition
from people.models import Person
from units.models import Position


class DeploymentSerializer(ScopedSerializer):
    rotation = serializers.IntegerField(source="position.rotation_id", read_only=True)
    next_states = serializers.SerializerMethodField(
        help_text=_("The states this deployment may move to next (POST …/transition/).")
    )

    class Meta(ScopedSerializer.Meta):
        model = Deployment
        fields = [
            "id",
            "url",
            "display",
            "person",
            "position",
            "rotation",
            "state",
            "starts_on",
            "ends_on",
            "arrived_on",
            "returned_on",
            "withdrawal_reason",
            "next_states",
            "created",
            "updated",
        ]
        # Only the dates change by PUT/PATCH (workflow.reschedule); the state by a transition.
        read_only_fields = [
            "person",
            "position",
            "state",
            "arrived_on",
            "returned_on",
            "withdrawal_reason",
        ]

    def get_next_states(self, obj: Deployment) -> list[str]:
        return [str(state) for state in workflow.allowed_targets(obj.state)]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The period's rules (rotation dates, overlaps, arrival) are workflow.reschedule's.
        return attrs


class NominationSerializer(serializers.Serializer):
    """Who, for which position, and for which days (the rotation's when left out)."""

    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    position = serializers.PrimaryKeyRelatedField(queryset=Position.objects.none())
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        # As on the nomination page: any person and position the planner may see.
        fields["person"].queryset = Person.objects.restrict(user, "view")
        fields["position"].queryset = Position.objects.restrict(user, "view").select_related(
            "rotation"
        )
        return fields


class StepSerializer(serializers.Serializer):
    """One step of the decision process; which fields matter depends on `to_state`."""

    to_state = serializers.ChoiceField(choices=State.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text=_("Why the deployment is withdrawn (to_state withdrawn)."),
    )
    authority = serializers.ChoiceField(
        choices=Authority.choices, required=False, allow_blank=True, default=""
    )
    decision_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60
    )
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    on_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Day of arrival (deployed) or return (repatriated); today when left out."),
    )
    waive = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Approve although requirements are unmet (approvers, with a reason)."),
    )
    waiver_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DeploymentViewSet(ScopedViewSet):
    queryset = Deployment.objects.select_related("person", "position__rotation")
    serializer_class = DeploymentSerializer
    filterset_class = DeploymentFilterSet
    action_scopes = {"transition": "change"}

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return NominationSerializer
        if self.action == "transition":
            return StepSerializer
        return DeploymentSerializer

    @extend_schema(request=NominationSerializer, responses={201: DeploymentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.Serializer) -> Deployment:  # type: ignore[override]
        data = serializer.validated_data
        return workflow.nominate(
            data["person"],
            data["position"],
            by=self.request.user,
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            note=data.get("note", ""),
        )

    def perform_update(self, serializer: serializers.Serializer) -> None:
        deployment = serializer.instance
        data = serializer.validated_data
        workflow.reschedule(
            deployment,
            data.get("starts_on", deployment.starts_on),
            data.get("ends_on", deployment.ends_on),
            by=self.request.user,
        )

    def perform_destroy(self, instance: Deployment) -> None:
        workflow.delete(instance, by=self.request.user)

    @extend_schema(request=StepSerializer, responses={200: DeploymentSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Take the deployment one step: screened, trained, approved, deployed, repatriated or
        withdrawn. An If-Match header, when sent, must name the current version."""
        step = StepSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        arguments = dict(step.validated_data)
        to_state = arguments.pop("to_state")
        with transaction.atomic():
            deployment = self.get_object()
            workflow.transition(deployment, to_state, by=request.user, **arguments)
        return self.read_back(deployment.pk)


class TransitionSerializer(ScopedSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(ScopedSerializer.Meta):
        model = Transition
        fields = [
            "id",
            "url",
            "display",
            "deployment",
            "from_state",
            "to_state",
            "at",
            "by",
            "note",
            "authority",
            "decision_number",
            "decision_date",
        ]


class TransitionViewSet(ScopedReadViewSet):
    """The steps taken, with who decided and on what authority; written only by the workflow."""

    queryset = Transition.objects.select_related("by")
    serializer_class = TransitionSerializer
    filterset_class = simple_filterset(
        Transition, ids=("deployment",), choices=("to_state", "authority")
    )


ROUTES = [("deployments", DeploymentViewSet), ("transitions", TransitionViewSet)]
