from django.contrib import admin

from core.admin import ScopedAdmin, ScopedTabularInline
from units.models import (
    Position,
    PositionLanguageRequirement,
    Rotation,
    UnitType,
    UnitTypeLanguageRequirement,
    UnitTypePosition,
)


class UnitTypePositionInline(ScopedTabularInline):
    model = UnitTypePosition
    extra = 0
    fields = ("order", "role", "specialty", "rank_min", "rank_max", "count", "notes")


class UnitTypeLanguageInline(ScopedTabularInline):
    model = UnitTypeLanguageRequirement
    extra = 0


class PositionLanguageInline(ScopedTabularInline):
    model = PositionLanguageRequirement
    extra = 0


@admin.register(UnitType)
class UnitTypeAdmin(ScopedAdmin):
    list_display = ("name", "code", "category", "is_individual_post")
    list_filter = ("category", "is_individual_post")
    search_fields = ("name", "code")
    inlines = [UnitTypePositionInline]


@admin.register(UnitTypePosition)
class UnitTypePositionAdmin(ScopedAdmin):
    list_display = ("role", "unit_type", "order", "count", "rank_min", "rank_max")
    list_filter = ("unit_type",)
    search_fields = ("role",)
    list_select_related = ("unit_type",)
    inlines = [UnitTypeLanguageInline]


@admin.register(UnitTypeLanguageRequirement)
class UnitTypeLanguageRequirementAdmin(ScopedAdmin):
    list_display = ("position", "language", "level")
    list_select_related = ("position", "language")


@admin.register(Rotation)
class RotationAdmin(ScopedAdmin):
    list_display = ("name", "mission", "organisation", "planned_departure", "status")
    list_filter = ("status", "mission", "unit_type__category")
    search_fields = ("name",)
    list_select_related = ("mission", "organisation", "unit_type")
    date_hierarchy = "planned_departure"


@admin.register(Position)
class PositionAdmin(ScopedAdmin):
    list_display = ("number", "role", "rotation")
    list_filter = ("rotation__mission",)
    search_fields = ("role", "rotation__name")
    list_select_related = ("rotation",)
    inlines = [PositionLanguageInline]


@admin.register(PositionLanguageRequirement)
class PositionLanguageRequirementAdmin(ScopedAdmin):
    list_display = ("position", "language", "level")
    list_select_related = ("position", "language")
