"""Pages of missions (and UN headquarters postings) with their locations and rotations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django_tables2 import RequestConfig

from core.views import generic
from missions.filtersets import MissionFilterSet
from missions.forms import LocationForm, MissionForm
from missions.models import Location, Mission
from missions.tables import MissionTable
from units.models import Rotation
from units.queries import with_dates, with_strength
from units.tables import RotationTable

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
        # Only the rotations of the user's organisations: a mission is shared, rotations are not.
        rotations = with_strength(
            with_dates(
                Rotation.objects.restrict(user, "view")
                .filter(mission=instance)
                .select_related("mission", "location", "organisation")
            )
        )
        table = RotationTable(rotations, exclude=("mission",), prefix="rotations-")
        RequestConfig(request, paginate={"per_page": settings.PAGINATE_BY}).configure(table)
        return {
            "locations": instance.locations.all(),
            "rotations": table,
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


class LocationDeleteView(generic.ObjectDeleteView):
    queryset = Location.objects.select_related("mission")

    def success_url(self, instance: Any) -> str:
        return instance.mission.get_absolute_url()


class LocationHistoryView(generic.ObjectHistoryView):
    queryset = Location.objects.select_related("mission")
