"""Filters of the unit type and rotation lists, shared by the pages, exports and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtersets import BaseFilterSet, OrganisationTreeFilter, YearFilter
from missions.models import Mission
from units.models import Category, Rotation, RotationStatus, UnitType


class UnitTypeFilterSet(BaseFilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    is_individual_post = django_filters.BooleanFilter(label=_("Individual post"))

    class Meta:
        model = UnitType
        fields = ["q", "category", "is_individual_post"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class RotationFilterSet(BaseFilterSet):
    mission = django_filters.ModelChoiceFilter(queryset=Mission.objects.all(), label=_("Mission"))
    unit_type = django_filters.ModelChoiceFilter(
        queryset=UnitType.objects.all(), label=_("Unit type")
    )
    category = django_filters.ChoiceFilter(
        field_name="unit_type__category", choices=Category.choices, label=_("Category")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=RotationStatus.choices,
        label=_("Status"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    organisation = OrganisationTreeFilter()
    year = YearFilter(
        field_name="planned_departure", lookup_expr="year", label=_("Year of departure")
    )

    class Meta:
        model = Rotation
        fields = ["q", "mission", "unit_type", "category", "status", "organisation", "year"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(name__icontains=value)
