"""Administration of the people register; ranks, specialties and languages are edited here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ScopedAdmin, ScopedTabularInline
from core.text import fold
from people.models import (
    DrivingLicence,
    Language,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Rank,
    Screening,
    Specialty,
)


@admin.register(Rank)
class RankAdmin(ScopedAdmin):
    list_display = ["name", "abbreviation", "service", "grade"]
    list_filter = ["service"]
    search_fields = ["name", "abbreviation"]
    ordering = ["service", "grade"]


@admin.register(Specialty)
class SpecialtyAdmin(ScopedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Language)
class LanguageAdmin(ScopedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class PersonLanguageInline(ScopedTabularInline):
    model = PersonLanguage
    extra = 0


class FoldedSearchMixin:
    """Searches names as they are stored: folded ("nguyen thi huong", see core.text).

    The term is folded the same way, so that "Nguyễn" finds it here as on the people list;
    service and passport numbers match case-insensitively either way.
    """

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        return super().get_search_results(request, queryset, fold(search_term))  # type: ignore[misc]


# The people and their documents are personal data: each admin names them for the access log
# (core.access_log), as the API's views of the same records do.


@admin.register(Person)
class PersonAdmin(FoldedSearchMixin, ScopedAdmin):
    access_log = "people"
    list_display = ["full_name", "service_number", "service", "rank", "organisation", "sex"]
    list_filter = ["service", "sex", "organisation"]
    list_select_related = ["rank", "organisation"]
    search_fields = ["search_name", "service_number"]
    autocomplete_fields = ["rank", "specialty"]
    inlines = [PersonLanguageInline]


class PersonRecordAdmin(FoldedSearchMixin, ScopedAdmin):
    """A document of one person: found by the person's name or service number."""

    search_fields = ["person__search_name", "person__service_number"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]


@admin.register(PersonLanguage)
class PersonLanguageAdmin(PersonRecordAdmin):
    access_log = "languages of people"
    list_display = ["person", "language", "level"]
    list_filter = ["language", "level"]


@admin.register(LanguageTestResult)
class LanguageTestResultAdmin(PersonRecordAdmin):
    access_log = "language tests"
    list_display = ["person", "language", "test_name", "tested_on", "score", "level"]
    list_filter = ["language", "test_name"]


@admin.register(DrivingLicence)
class DrivingLicenceAdmin(PersonRecordAdmin):
    access_log = "driving licences"
    list_display = ["person", "category", "number", "issued_on", "expires_on"]
    list_filter = ["category"]


@admin.register(Passport)
class PassportAdmin(PersonRecordAdmin):
    access_log = "passports"
    list_display = ["person", "number", "kind", "issued_on", "expires_on"]
    list_filter = ["kind"]
    search_fields = [*PersonRecordAdmin.search_fields, "number"]


@admin.register(MedicalClearance)
class MedicalClearanceAdmin(PersonRecordAdmin):
    access_log = "medical clearances"
    list_display = ["person", "examined_on", "result", "valid_until", "examiner"]
    list_filter = ["result"]


@admin.register(Screening)
class ScreeningAdmin(PersonRecordAdmin):
    access_log = "screenings"
    list_display = ["person", "kind", "status", "screened_on", "screened_by"]
    list_filter = ["kind", "status"]
