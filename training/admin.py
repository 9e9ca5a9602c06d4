"""Administration of the training records; the catalogue and the assessment rules live here.

Computed fields (pass, certificate expiry, an assessment's validity) are read-only: they
follow the catalogue and the rules, through the same functions the pages use.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ScopedAdmin, ScopedTabularInline
from training import assessments, runs
from training.models import (
    ENROLMENT_LIST_ORDER,
    TRAINEE_ORDER,
    Assessment,
    AssessmentRule,
    Course,
    CourseRun,
    Enrolment,
)


@admin.register(Course)
class CourseAdmin(ScopedAdmin):
    list_display = ["code", "title", "kind", "provider", "pass_mark", "validity_months"]
    list_filter = ["kind"]
    search_fields = ["code", "title", "provider"]
    filter_horizontal = ["prerequisites"]

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"pass_mark", "validity_months"} & set(form.changed_data):
            runs.refresh_course_results(obj)


class EnrolmentInline(ScopedTabularInline):
    model = Enrolment
    ordering = TRAINEE_ORDER
    extra = 0
    autocomplete_fields = ["person"]
    fields = [
        "person",
        "foreign_name",
        "foreign_country",
        "attended",
        "score",
        "passed",
        "certificate_number",
        "certificate_issued_on",
        "certificate_expires_on",
    ]
    readonly_fields = ["passed", "certificate_expires_on"]


@admin.register(CourseRun)
class CourseRunAdmin(ScopedAdmin):
    list_display = ["course", "starts_on", "ends_on", "place", "organisation", "capacity"]
    list_filter = ["course__kind", "course"]
    list_select_related = ["course", "organisation"]
    search_fields = ["course__code", "course__title", "place"]
    date_hierarchy = "starts_on"
    inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin):
    list_display = [
        "__str__",
        "attended",
        "score",
        "passed",
        "certificate_number",
        "certificate_expires_on",
    ]
    list_filter = ["passed", "run__course"]
    list_select_related = ["person", "run__course"]
    ordering = ENROLMENT_LIST_ORDER  # Enrolment has no default ordering (see its Meta)
    search_fields = ["person__search_name", "foreign_name", "certificate_number"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["run"]
    readonly_fields = ["passed", "certificate_expires_on"]


@admin.register(AssessmentRule)
class AssessmentRuleAdmin(ScopedAdmin):
    list_display = ["kind", "pass_mark", "retake_wait_days", "validity_months", "source"]

    def save_model(
        self, request: HttpRequest, obj: AssessmentRule, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        assessments.refresh_rule_results(obj)


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    list_display = ["person", "kind", "language", "assessed_on", "score", "passed", "valid_until"]
    list_filter = ["kind", "passed", "assessor_kind"]
    list_select_related = ["person", "language"]
    search_fields = ["person__search_name", "person__service_number"]
    autocomplete_fields = ["person"]
    readonly_fields = ["passed", "valid_until"]
    date_hierarchy = "assessed_on"

    def save_model(self, request: HttpRequest, obj: Assessment, form: Any, change: bool) -> None:
        # Pass and validity come from the rule, as on the pages; a missing rule leaves a fail.
        rule = AssessmentRule.objects.filter(kind=obj.kind).first()
        if rule is not None:
            assessments.evaluate(obj, rule)
        else:
            obj.passed, obj.valid_until = False, None
        super().save_model(request, obj, form, change)
