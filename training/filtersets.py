"""One filterset per model of the training pages, shared by their lists and exports."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtersets import BaseFilterSet, OrganisationTreeFilter, YearFilter
from people.models import Language
from training.models import Assessment, AssessmentKind, Course, CourseKind, CourseRun
from training.search import name_or_number

RESULTS = [("passed", _("Passed")), ("failed", _("Failed"))]


class CourseFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices, label=_("Kind"))
    provider = django_filters.CharFilter(lookup_expr="icontains", label=_("Provider"))

    class Meta:
        model = Course
        fields = ["q", "kind", "provider"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))


class CourseRunFilterSet(BaseFilterSet):
    course = django_filters.ModelChoiceFilter(queryset=Course.objects.all(), label=_("Course"))
    kind = django_filters.ChoiceFilter(
        field_name="course__kind", choices=CourseKind.choices, label=_("Kind")
    )
    organisation = OrganisationTreeFilter(label=_("Organised by"))
    year = YearFilter(method="filter_year", label=_("Year"))

    class Meta:
        model = CourseRun
        fields = ["q", "course", "kind", "organisation", "year"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(
            Q(course__code__icontains=value)
            | Q(course__title__icontains=value)
            | Q(place__icontains=value)
            | Q(instructors__icontains=value)
        )

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        """Runs held, even in part, during the year (a run may start in December)."""
        year = int(value)
        if not 1900 <= year <= 2999:
            return queryset.none()
        return queryset.filter(
            starts_on__lte=datetime.date(year, 12, 31), ends_on__gte=datetime.date(year, 1, 1)
        )


class AssessmentFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=AssessmentKind.choices, label=_("Kind"))
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(), label=_("Language")
    )
    result = django_filters.ChoiceFilter(choices=RESULTS, method="filter_result", label=_("Result"))
    organisation = OrganisationTreeFilter(field_name="person__organisation")
    assessed_from = django_filters.DateFilter(
        field_name="assessed_on",
        lookup_expr="gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    assessed_to = django_filters.DateFilter(
        field_name="assessed_on",
        lookup_expr="lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Assessment
        fields = ["q", "kind", "language", "result", "organisation"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        """Every folded word in the person's name, or their service number."""
        return queryset.filter(name_or_number(value, person="person__"))

    def filter_result(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(passed=value == "passed")
