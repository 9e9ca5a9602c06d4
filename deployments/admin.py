"""Administration of deployments: a view of the records and their history.

The state and everything the workflow decides are read-only here: a change made in the
admin would skip the checks (overlaps, filled positions, the approver's permission) and leave
no transition behind. Changes go through the pages, which call deployments.workflow.

Both admins are scoped to the user's organisations, as the pages are. A deployment is deleted
only where the workflow allows it (a mistaken nomination, a withdrawal), through
workflow.delete, and one at a time. A transition is never deleted on its own.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from core.admin import ScopedAdmin, ScopedTabularInline
from deployments import workflow
from deployments.models import Deployment, Transition


class TransitionInline(ScopedTabularInline):
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
class DeploymentAdmin(ScopedAdmin):
    access_log = "deployments"  # who goes where and when: personal data (core.access_log)
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

    def has_delete_permission(self, request: HttpRequest, obj: Deployment | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.may_delete(obj))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would delete without asking the workflow
        return actions

    def delete_model(self, request: HttpRequest, obj: Deployment) -> None:
        # The workflow locks the row, checks again and records who deleted it.
        workflow.delete(obj, by=request.user)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Its transitions go with a deployment the workflow lets go, though never on their own.
        perms_needed.discard(Transition._meta.verbose_name)
        return deleted, counts, perms_needed, protected


@admin.register(Transition)
class TransitionAdmin(ScopedAdmin):
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

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A decision is part of the record: it goes only with its deployment, never alone
        # (which also keeps "delete selected" off this list).
        return False
