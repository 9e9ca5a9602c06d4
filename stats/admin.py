from django.contrib import admin

from stats.models import Country, UNContribution, UNReport


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "iso3", "aliases")
    search_fields = ("name", "iso3")


@admin.register(UNReport)
class UNReportAdmin(admin.ModelAdmin):
    list_display = ("month", "as_of", "file_name", "layout", "total", "imported_by", "imported_at")
    readonly_fields = [field.name for field in UNReport._meta.fields]


@admin.register(UNContribution)
class UNContributionAdmin(admin.ModelAdmin):
    list_display = ("month", "country", "mission", "personnel_type", "male", "female", "total")
    list_filter = ("personnel_type",)
    list_select_related = ("country",)
