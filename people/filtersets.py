"""The one filterset of the people register: used by the list page, its exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import BaseFilterSet, OrganisationTreeFilter
from core.text import fold
from people.models import CEFRLevel, Language, Person, PersonLanguage, Rank, Service, Sex, Specialty
from people.queries import deployed_on

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class PersonFilterSet(BaseFilterSet):
    organisation = OrganisationTreeFilter()
    service = django_filters.ChoiceFilter(choices=Service.choices, label=_("Service"))
    rank = django_filters.ModelChoiceFilter(queryset=Rank.objects.all(), label=_("Rank"))
    specialty = django_filters.ModelChoiceFilter(
        queryset=Specialty.objects.all(), label=_("Specialty")
    )
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sex"))
    # Language and minimum level are read together in filter_queryset: "English B2 or above"
    # must hold on one and the same language skill.
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(), label=_("Language"), method="read_together"
    )
    language_level = django_filters.ChoiceFilter(
        choices=CEFRLevel.choices, label=_("Minimum level"), method="read_together"
    )
    deployed = django_filters.ChoiceFilter(
        choices=YES_NO, label=_("Currently deployed"), method="filter_deployed"
    )

    class Meta:
        model = Person
        fields = [
            "q",
            "organisation",
            "service",
            "rank",
            "specialty",
            "sex",
            "language",
            "language_level",
            "deployed",
        ]

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        """Every word of the folded query in the folded name, or the service number.

        "nguyen thi huong", "Nguyễn Hương" and "NGUYEN" all find "Nguyễn Thị Hương": the
        stored search_name and the query are folded the same way (core.text.fold).
        """
        by_name = Q()
        for word in fold(value).split():
            by_name &= Q(search_name__contains=word)
        return queryset.filter(by_name | Q(service_number__icontains=value))

    def read_together(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_deployed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        deployed = deployed_on(timezone.localdate())
        return queryset.filter(deployed) if value == "yes" else queryset.filter(~deployed)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        language = self.form.cleaned_data.get("language")
        level = self.form.cleaned_data.get("language_level")
        if not language and not level:
            return queryset
        skills = PersonLanguage.objects.filter(person=OuterRef("pk"))
        if language:
            skills = skills.filter(language=language)
        if level:
            skills = skills.filter(level__gte=int(level))
        return queryset.filter(Exists(skills))
