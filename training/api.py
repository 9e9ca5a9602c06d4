"""Training over the REST API: the course catalogue, runs, trainees' results and assessments.

The rules are the training app's: its forms validate (core.api_base.FormSerializer), and
training.runs / training.assessments enrol trainees and record assessments, so the API refuses
a full run, a missing prerequisite or a retake too early with the pages' messages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_base import FormSerializer, ScopedSerializer, ScopedViewSet, simple_filterset
from people.models import Person
from training import assessments, runs
from training.filtersets import AssessmentFilterSet, CourseFilterSet, CourseRunFilterSet
from training.forms import AssessmentForm, CourseForm, CourseRunForm, EnrolmentResultForm
from training.models import (
    ENROLMENT_LIST_ORDER,
    Assessment,
    AssessmentRule,
    Course,
    CourseRun,
    Enrolment,
)

# --- catalogue -----------------------------------------------------------------------------------


class CourseSerializer(FormSerializer):
    form_class = CourseForm

    class Meta(ScopedSerializer.Meta):
        model = Course
        fields = [
            "id",
            "url",
            "display",
            "code",
            "title",
            "kind",
            "provider",
            "hours",
            "pass_mark",
            "validity_months",
            "prerequisites",
            "description",
        ]


class CourseViewSet(ScopedViewSet):
    queryset = Course.objects.prefetch_related("prerequisites")
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet


class AssessmentRuleSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = AssessmentRule
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "pass_mark",
            "retake_wait_days",
            "validity_months",
            "source",
        ]


class AssessmentRuleViewSet(ScopedViewSet):
    queryset = AssessmentRule.objects.all()
    serializer_class = AssessmentRuleSerializer
    filterset_class = simple_filterset(AssessmentRule, choices=("kind",), search=("source",))

    def perform_update(self, serializer: serializers.Serializer) -> None:
        rule = serializer.save()
        # As the admin does: what readiness reads must follow the rule as it now stands.
        assessments.refresh_rule_results(rule)


# --- runs and trainees ---------------------------------------------------------------------------


class CourseRunSerializer(FormSerializer):
    form_class = CourseRunForm

    class Meta(ScopedSerializer.Meta):
        model = CourseRun
        fields = [
            "id",
            "url",
            "display",
            "course",
            "organisation",
            "starts_on",
            "ends_on",
            "place",
            "instructors",
            "capacity",
            "notes",
        ]


class CourseRunViewSet(ScopedViewSet):
    queryset = CourseRun.objects.select_related("course")
    serializer_class = CourseRunSerializer
    filterset_class = CourseRunFilterSet

    def perform_destroy(self, instance: CourseRun) -> None:
        refusal = runs.delete_refusal(instance)
        if refusal:
            raise serializers.ValidationError({"non_field_errors": [refusal]})
        super().perform_destroy(instance)


class EnrolmentSerializer(FormSerializer):
    """A trainee's result; the trainee and the run are set when enrolled, never changed."""

    form_class = EnrolmentResultForm

    class Meta(ScopedSerializer.Meta):
        model = Enrolment
        fields = [
            "id",
            "url",
            "display",
            "run",
            "person",
            "foreign_name",
            "foreign_country",
            "foreign_organisation",
            "attended",
            "score",
            "passed",
            "certificate_number",
            "certificate_issued_on",
            "certificate_expires_on",
        ]
        read_only_fields = [
            "run",
            "person",
            "foreign_name",
            "foreign_country",
            "foreign_organisation",
        ]
        # DRF would check the unique constraint itself, in its own words; the form's
        # Enrolment.clean refuses a number given twice as the page does.
        extra_kwargs = {"certificate_number": {"validators": []}}


class EnrolmentCreateSerializer(serializers.Serializer):
    """One of our people (`person`) or an officer of another country (`foreign_name`...)."""

    run = serializers.PrimaryKeyRelatedField(queryset=CourseRun.objects.none())
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True
    )
    foreign_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    foreign_country = serializers.CharField(required=False, allow_blank=True, max_length=100)
    foreign_organisation = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        # As on the run page: a run the officer may change, anyone they may see.
        fields["run"].queryset = CourseRun.objects.restrict(user, "change")
        fields["person"].queryset = Person.objects.restrict(user, "view")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Only this check is the API's own: the request picks enrol_person or enrol_foreign,
        # and each would drop what belongs to the other. A trainee named neither way is
        # refused by enrol_foreign, on foreign_name, as on the run page.
        if attrs.get("person") and attrs.get("foreign_name", "").strip():
            raise serializers.ValidationError(
                {"foreign_name": [_("A trainee is either one of our people or foreign.")]}
            )
        return attrs


class EnrolmentViewSet(ScopedViewSet):
    # Enrolment has no default ordering; this one ends on pk, so pages never shift.
    queryset = Enrolment.objects.select_related("run__course", "person").order_by(
        *ENROLMENT_LIST_ORDER
    )
    serializer_class = EnrolmentSerializer
    filterset_class = simple_filterset(
        Enrolment, ids=("run", "person"), search=("foreign_name", "certificate_number")
    )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return EnrolmentCreateSerializer if self.action == "create" else EnrolmentSerializer

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.Serializer) -> Enrolment:  # type: ignore[override]
        data = serializer.validated_data
        if data.get("person"):
            return runs.enrol_person(data["run"], data["person"])
        return runs.enrol_foreign(
            data["run"],
            data.get("foreign_name", ""),
            data.get("foreign_country", ""),
            data.get("foreign_organisation", ""),
        )


# --- assessments ---------------------------------------------------------------------------------


class AssessmentSerializer(FormSerializer):
    """Recorded through training.assessments.record_assessment: its rules, its messages."""

    form_class = AssessmentForm

    class Meta(ScopedSerializer.Meta):
        model = Assessment
        fields = [
            "id",
            "url",
            "display",
            "person",
            "kind",
            "language",
            "assessed_on",
            "assessor_kind",
            "assessor_name",
            "reading",
            "listening",
            "writing",
            "interview",
            "vision_passed",
            "score",
            "passed",
            "valid_until",
            "notes",
        ]
        extra_kwargs = {"score": {"required": False, "allow_null": True}}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            # An assessment belongs to the person it was taken by, for good.
            fields["person"].read_only = True
        return fields

    def save_form(self, form: Any) -> Assessment:
        return form.record()


class AssessmentViewSet(ScopedViewSet):
    queryset = Assessment.objects.select_related("language")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet


ROUTES = [
    ("courses", CourseViewSet),
    ("course-runs", CourseRunViewSet),
    ("enrolments", EnrolmentViewSet),
    ("assessment-rules", AssessmentRuleViewSet),
    ("assessments", AssessmentViewSet),
]
