from django.contrib import admin
from django.http import HttpRequest

from core.admin import ScopedAdmin
from planning.describe import describe_scope
from planning.models import DESCRIBED_WITH, Requirement, Waiver


@admin.register(Requirement)
class RequirementAdmin(ScopedAdmin):
    list_display = ("describe", "kind", "applies_to", "source")
    list_filter = ("kind", "category", "mission", "unit_type")
    search_fields = ("source", "notes", "course__code", "course__title")
    list_select_related = DESCRIBED_WITH
    raw_id_fields = ("position",)

    @admin.display(description="requirement")
    def describe(self, obj: Requirement) -> str:
        return obj.describe()

    @admin.display(description="applies to")
    def applies_to(self, obj: Requirement) -> str:
        return describe_scope(obj)


@admin.register(Waiver)
class WaiverAdmin(ScopedAdmin):
    """Waivers are written by the approval step; the admin reads them, scoped as the pages."""

    list_display = ("deployment", "by", "at", "reason")
    list_select_related = ("deployment__person", "deployment__position__rotation", "by")
    readonly_fields = ("deployment", "transition", "reason", "unmet", "by", "at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
