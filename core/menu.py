"""The main navigation, shown item by item to users whose role may view it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    permission: str
    icon: str


ITEMS = [
    MenuItem(_("People"), "people:person_list", "people.view_person", "people"),
    MenuItem(_("Rotations"), "units:rotation_list", "units.view_rotation", "diagram-3"),
    MenuItem(
        _("Deployments"), "deployments:deployment_list", "deployments.view_deployment", "airplane"
    ),
    MenuItem(_("Training"), "training:courserun_list", "training.view_courserun", "mortarboard"),
    MenuItem(_("Readiness"), "planning:index", "units.view_rotation", "clipboard-check"),
    MenuItem(_("UN figures"), "stats:un_ranking", "stats.view_uncontribution", "bar-chart"),
    MenuItem(_("Missions"), "missions:mission_list", "missions.view_mission", "globe"),
    MenuItem(_("Unit types"), "units:unittype_list", "units.view_unittype", "table"),
    MenuItem(_("Organisations"), "core:organisation_list", "core.view_organisation", "building"),
    MenuItem(_("Access log"), "core:access_log", "core.view_accessevent", "journal-text"),
]


def visible_items(user: Any) -> list[MenuItem]:
    return [item for item in ITEMS if user.has_perm(item.permission)]
