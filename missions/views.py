"""Pages of missions (and UN headquarters postings) with their locations and rotations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from core.views import generic
from missions.filtersets import MissionFilterSet
from missions.forms import LocationForm, MissionForm
from missions.models import Location, Mission
from missions.tables import MissionTable
from units.views.rotations import rotations_table

missions = Mission.objects.select_related("working_language").annotate(
    location_count=Count("locations")
)


class MissionListView(generic.ObjectListView):
    queryset = missions
    filterset_class = MissionFilterSet
    table_class = MissionTable


class MissionDetailView(generic.ObjectDetailView):
    queryset = Mission.objects.select_related("working_language")
    template_name = "missions/mission.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        user = request.user
        return {
            "locations": instance.locations.all(),
            "rotations": rotations_table(request, exclude=("mission",), mission=instance),
            "can_add_location": user.has_perm("missions.add_location"),
            "can_change_location": user.has_perm("missions.change_location"),
            "can_delete_location": user.has_perm("missions.delete_location"),
            "can_add_rotation": user.has_perm("units.add_rotation"),
        }


class MissionEditView(generic.ObjectEditView):
    queryset = Mission.objects.all()
    form_class = MissionForm


class MissionDeleteView(generic.ObjectDeleteView):
    queryset = Mission.objects.all()


class MissionHistoryView(generic.ObjectHistoryView):
    queryset = Mission.objects.all()


class LocationEditView(generic.ObjectEditView):
    """Added from a mission's page (`?mission=<pk>`), and returns there."""

    queryset = Location.objects.select_related("mission")
    form_class = LocationForm


class LocationDeleteView(generic.BackToParentDeleteView):
    """Deleted from its mission's page, and back there: a location's page is its mission's."""

    queryset = Location.objects.select_related("mission")


class LocationHistoryView(generic.ObjectHistoryView):
    queryset = Location.objects.select_related("mission")
