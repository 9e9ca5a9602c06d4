from django.contrib import admin

from core.admin import ScopedAdmin
from stats.models import Country, ParityTarget, ReimbursementRate, UNContribution, UNReport


@admin.register(Country)
class CountryAdmin(ScopedAdmin):
    list_display = ("name", "iso3", "aliases")
    search_fields = ("name", "iso3")


@admin.register(UNReport)
class UNReportAdmin(ScopedAdmin):
    list_display = ("month", "as_of", "file_name", "layout", "total", "imported_by", "imported_at")
    readonly_fields = [field.name for field in UNReport._meta.fields]


@admin.register(UNContribution)
class UNContributionAdmin(ScopedAdmin):
    list_display = ("month", "country", "mission", "personnel_type", "male", "female", "total")
    list_filter = ("personnel_type",)
    list_select_related = ("country",)


@admin.register(ParityTarget)
class ParityTargetAdmin(ScopedAdmin):
    list_display = ("category", "year", "target_percent", "source")
    list_filter = ("category",)


@admin.register(ReimbursementRate)
class ReimbursementRateAdmin(ScopedAdmin):
    list_display = ("valid_from", "usd_per_person_month", "confirmed", "source")
