from django.contrib import admin

from core.admin import ScopedAdmin, ScopedTabularInline
from missions.models import Location, Mission


class LocationInline(ScopedTabularInline):
    model = Location
    extra = 0


@admin.register(Mission)
class MissionAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "host_country", "started_on", "ended_on")
    list_filter = ("kind", "working_language")
    search_fields = ("code", "name", "host_country")
    inlines = [LocationInline]


@admin.register(Location)
class LocationAdmin(ScopedAdmin):
    list_display = ("name", "mission", "is_headquarters")
    list_filter = ("mission",)
    search_fields = ("name", "mission__code")
    list_select_related = ("mission",)
