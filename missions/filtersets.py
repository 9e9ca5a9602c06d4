"""Filters of the missions list, shared by the page, its exports and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import BaseFilterSet
from missions.models import Mission, MissionKind, active_on
from people.models import Language


class MissionFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=MissionKind.choices, label=_("Kind"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("Active"))
    working_language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(), label=_("Working language")
    )

    class Meta:
        model = Mission
        fields = ["q", "kind", "active", "working_language"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(host_country__icontains=value)
        )

    def filter_active(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        running = active_on(timezone.localdate())
        return queryset.filter(running) if value else queryset.exclude(running)
