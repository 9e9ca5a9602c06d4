"""The training lists as tables: what the list pages show and what their exports hold."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from training.models import Assessment, Course, CourseRun


class ResultColumn(tables.Column):
    """Passed / failed as a badge on the page and as a word in the exports."""

    def render(self, value: Any) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Passed"))
        return format_html('<span class="badge text-bg-danger">{}</span>', _("Failed"))

    def value(self, value: Any) -> str:
        return str(_("Passed") if value else _("Failed"))


class CourseTable(Table):
    code = tables.Column(linkify=True, verbose_name=_("Code"))
    title = tables.Column(verbose_name=_("Title"))
    validity_months = tables.Column(verbose_name=_("Validity (months)"), default="—")
    run_count = tables.Column(verbose_name=_("Runs"))

    class Meta:
        model = Course
        fields = ("code", "title", "kind", "provider", "hours", "pass_mark", "validity_months")
        sequence = ("code", "title", "kind", "provider", "hours", "pass_mark", "...")
        order_by = ("code",)
        empty_text = _("No course matches.")


class CourseRunTable(Table):
    course = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        verbose_name=_("Course"),
        order_by=("course__code", "-starts_on"),
    )
    title = tables.Column(accessor="course__title", verbose_name=_("Title"))
    starts_on = tables.DateColumn(verbose_name=_("Starts on"), format="Y-m-d")
    ends_on = tables.DateColumn(verbose_name=_("Ends on"), format="Y-m-d")
    organisation = tables.Column(verbose_name=_("Organised by"), order_by=("organisation__name",))
    enrolled = tables.Column(verbose_name=_("Trainees"))
    passed_count = tables.Column(verbose_name=_("Passed"))

    class Meta:
        model = CourseRun
        fields = ("course", "starts_on", "ends_on", "place", "organisation", "capacity")
        sequence = (
            "course",
            "title",
            "starts_on",
            "ends_on",
            "place",
            "organisation",
            "capacity",
            "enrolled",
            "passed_count",
        )
        order_by = ("-starts_on",)
        empty_text = _("No course run matches.")

    def render_course(self, record: CourseRun) -> str:
        return record.course.code

    def value_course(self, record: CourseRun) -> str:
        return record.course.code


class AssessmentTable(Table):
    person = tables.Column(
        linkify=lambda record: record.person.get_absolute_url(),
        verbose_name=_("Person"),
        order_by=("person__search_name",),
    )
    service_number = tables.Column(
        accessor="person__service_number", verbose_name=_("Service number")
    )
    kind = tables.Column(
        linkify=lambda record: reverse("training:assessment", args=[record.pk]),
        verbose_name=_("Kind"),
    )
    language = tables.Column(verbose_name=_("Language"), default="—")
    assessed_on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d")
    passed = ResultColumn(verbose_name=_("Result"))
    valid_until = tables.DateColumn(verbose_name=_("Valid until"), format="Y-m-d", default="—")
    organisation = tables.Column(
        accessor="person__organisation", verbose_name=_("Organisation"), visible=False
    )

    class Meta:
        model = Assessment
        fields = (
            "person",
            "service_number",
            "kind",
            "language",
            "assessed_on",
            "assessor_kind",
            "score",
            "passed",
            "valid_until",
        )
        order_by = ("-assessed_on",)
        empty_text = _("No assessment matches.")
