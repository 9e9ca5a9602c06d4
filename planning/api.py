"""Requirements (policy as data) and approvers' waivers over the REST API.

Requirements are validated by the requirement form (planning.forms.RequirementForm), so the API
refuses a field a kind does not use, or a second scope, with the page's message. Waivers are
written only by the approval step (deployments.workflow.transition): here they are read.
"""

from __future__ import annotations

from rest_framework import serializers

from core.api_base import (
    FormSerializer,
    ScopedReadViewSet,
    ScopedSerializer,
    ScopedViewSet,
    simple_filterset,
)
from planning.filtersets import RequirementFilterSet
from planning.forms import RequirementForm
from planning.models import DESCRIBED_WITH, Requirement, Waiver


class RequirementSerializer(FormSerializer):
    form_class = RequirementForm

    class Meta(ScopedSerializer.Meta):
        model = Requirement
        fields = ["id", "url", "display", *RequirementForm.Meta.fields]


class RequirementViewSet(ScopedViewSet):
    queryset = Requirement.objects.select_related(*DESCRIBED_WITH)
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet


class WaiverSerializer(ScopedSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(ScopedSerializer.Meta):
        model = Waiver
        fields = ["id", "url", "display", "deployment", "transition", "reason", "unmet", "by", "at"]


class WaiverViewSet(ScopedReadViewSet):
    queryset = Waiver.objects.select_related(
        "by", "deployment__person", "deployment__position__rotation"
    )
    serializer_class = WaiverSerializer
    filterset_class = simple_filterset(Waiver, ids=("deployment",), search=("reason", "unmet"))


ROUTES = [("requirements", RequirementViewSet), ("waivers", WaiverViewSet)]
