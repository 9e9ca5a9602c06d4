from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filtersets import BaseFilterSet
from planning.models import Requirement, RequirementKind, applies_to_every_deployment
from units.models import Category

SCOPES = [
    ("all", _("Every deployment")),
    ("category", _("A personnel category")),
    ("unit_type", _("A unit type")),
    ("mission", _("A mission")),
    ("position", _("A position")),
]


class RequirementFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=RequirementKind.choices, label=_("Kind"))
    scope = django_filters.ChoiceFilter(
        choices=SCOPES, method="filter_scope", label=_("Applies to")
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))

    class Meta:
        model = Requirement
        fields = ["q", "kind", "scope", "category", "mission", "unit_type"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(
            Q(source__icontains=value)
            | Q(notes__icontains=value)
            | Q(course__code__icontains=value)
            | Q(course__title__icontains=value)
        )

    def filter_scope(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "all":
            return queryset.filter(applies_to_every_deployment())
        if value == "category":
            return queryset.exclude(category="")
        return queryset.filter(**{f"{value}__isnull": False})
