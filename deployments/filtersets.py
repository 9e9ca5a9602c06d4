"""The one filterset of deployments, shared by the list page, its exports and the API."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtersets import BaseFilterSet, OrganisationTreeFilter, YearFilter
from core.forms import DateInput
from core.text import fold
from deployments.models import Deployment, State
from deployments.queries import on_mission
from missions.models import Mission
from people.models import Sex
from units.models import Category, Rotation


class DeploymentFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Name or service number"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("State"))
    mission = django_filters.ModelChoiceFilter(
        field_name="position__rotation__mission",
        queryset=Mission.objects.all(),
        label=_("Mission"),
    )
    # A department accumulates thousands of rotations (every individual post is one), too many
    # for a drop-down: the rotation page links here with ?rotation=<pk>, and people type a name.
    rotation = django_filters.ModelChoiceFilter(
        field_name="position__rotation",
        queryset=Rotation.objects.all(),
        label=_("Rotation"),
        widget=forms.HiddenInput,
    )
    rotation_name = django_filters.CharFilter(
        field_name="position__rotation__name",
        lookup_expr="icontains",
        label=_("Rotation"),
    )
    category = django_filters.ChoiceFilter(
        field_name="position__rotation__unit_type__category",
        choices=Category.choices,
        label=_("Category"),
    )
    organisation = OrganisationTreeFilter(field_name="person__organisation")
    sex = django_filters.ChoiceFilter(field_name="person__sex", choices=Sex.choices, label=_("Sex"))
    on_mission = django_filters.DateFilter(
        method="filter_on_mission",
        label=_("On mission on"),
        widget=DateInput(),
    )
    year = YearFilter(field_name="starts_on", lookup_expr="year", label=_("Year of departure"))

    class Meta:
        model = Deployment
        fields = [
            "q",
            "state",
            "mission",
            "rotation",
            "rotation_name",
            "category",
            "organisation",
            "sex",
            "on_mission",
            "year",
        ]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        # Names are matched folded (no diacritics, lower case) on both sides, so that
        # "huong" finds "Hương" with a plain index lookup on SQLite and PostgreSQL alike.
        return queryset.filter(
            Q(person__search_name__contains=fold(value)) | Q(person__service_number__iexact=value)
        )

    def filter_on_mission(
        self, queryset: QuerySet, name: str, value: datetime.date | None
    ) -> QuerySet:
        return queryset.filter(on_mission(value)) if value else queryset
