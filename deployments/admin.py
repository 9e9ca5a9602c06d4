"""Administration of deployments: a view of the records and their history.

The state and everything the workflow decides are read-only here: a change made in the
admin would skip the checks (overlaps, filled positions, the approver's permission) and leave
no transition behind. Changes go through the pages, which call deployments.workflow.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from deployments.models import Deployment, Transition


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "from_state",
        "to_state",
        "at",
        "by",
        "note",
        "authority",
        "decision_number",
        "decision_date",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Deployment)
class DeploymentAdmin(SimpleHistoryAdmin):
    list_display = ("person", "position", "state", "starts_on", "ends_on")
    list_filter = ("state", "position__rotation__mission")
    search_fields = ("person__search_name", "person__service_number")
    list_select_related = ("person", "position__rotation")
    readonly_fields = (
        "person",
        "position",
        "state",
        "starts_on",
        "ends_on",
        "arrived_on",
        "returned_on",
        "withdrawal_reason",
        "created",
        "updated",
    )
    inlines = [TransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a deployment is born by nomination (deployments.workflow.nominate)


@admin.register(Transition)
class TransitionAdmin(SimpleHistoryAdmin):
    list_display = ("deployment", "from_state", "to_state", "at", "by", "decision_number")
    list_filter = ("to_state", "authority")
    list_select_related = ("deployment__person", "deployment__position__rotation", "by")
    readonly_fields = (
        "deployment",
        "from_state",
        "to_state",
        "at",
        "by",
        "authority",
        "decision_number",
        "decision_date",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
