"""The base of every filterset: one class per model, shared by list pages, exports and API."""

from __future__ import annotations

import ipaddress
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.forms import bootstrap
from core.models import AccessEvent, AccessKind, Organisation


class BaseFilterSet(django_filters.FilterSet):
    """Adds the free-text `q` filter; a subclass says what it searches in `search()`."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        # Choices (organisations, rotations) are limited to what the user may see, so that a
        # filter never lists another ministry's names. django-filter builds a choice field
        # from the filter's own `queryset` attribute (self.filters are per-instance copies).
        user = getattr(request, "user", None)
        for field in self.filters.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, QuerySet) and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")

    @property
    def form(self) -> forms.Form:
        form = super().form
        for field in form.fields.values():
            bootstrap(field.widget, small=True)
        if "q" in form.fields:
            form.fields["q"].widget.input_type = "search"
        return form

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return self.search(queryset, value) if value else queryset

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        raise NotImplementedError


# The schema cannot guess the type where the filter has no model field ("parent" of an
# organisation filters the tree, not the column): it is an organisation's id.
@extend_schema_field(OpenApiTypes.INT)
class OrganisationTreeFilter(django_filters.ModelChoiceFilter):
    """An organisation and everything below it."""

    def __init__(self, *args: Any, field_name: str = "organisation", **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organisation.objects.all())
        kwargs.setdefault("label", _("Organisation"))
        super().__init__(*args, field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet, value: Organisation | None) -> QuerySet:
        if not value:
            return qs
        lookup = f"{self.field_name}__path__startswith" if self.field_name else "path__startswith"
        return qs.filter(**{lookup: value.path})


class OrganisationFilterSet(BaseFilterSet):
    parent = OrganisationTreeFilter(field_name="", label=_("Within"))
    kind = django_filters.ChoiceFilter(choices=Organisation._meta.get_field("kind").choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "parent"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class YearFilter(django_filters.NumberFilter):
    """A calendar year; out-of-range input is a form error, not a database error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class AccessEventFilterSet(BaseFilterSet):
    """The access log page's filters: who, what kind, between which days, where from."""

    kind = django_filters.ChoiceFilter(choices=AccessKind.choices, label=_("Kind"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Since"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Until"))
    organisation = OrganisationTreeFilter()

    class Meta:
        model = AccessEvent
        fields = ["q", "kind", "since", "until", "organisation"]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        condition = Q(username__icontains=value) | Q(what__icontains=value)
        if is_address(value):
            condition |= Q(address=value)
        return queryset.filter(condition)


def is_address(value: str) -> bool:
    """Whether `value` is an IP address (a database would refuse to compare anything else)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
