"""Missions and their locations over the REST API (a catalogue shared by every organisation)."""

from __future__ import annotations

from core.api_base import ScopedSerializer, ScopedViewSet, simple_filterset
from missions.filtersets import MissionFilterSet
from missions.models import Location, Mission


class MissionSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Mission
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "kind",
            "host_country",
            "started_on",
            "ended_on",
            "working_language",
            "medal_qualifying_days",
            "notes",
        ]


class LocationSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Location
        fields = ["id", "url", "display", "mission", "name", "is_headquarters", "notes"]


class MissionViewSet(ScopedViewSet):
    queryset = Mission.objects.all()
    serializer_class = MissionSerializer
    filterset_class = MissionFilterSet


class LocationViewSet(ScopedViewSet):
    queryset = Location.objects.select_related("mission")
    serializer_class = LocationSerializer
    filterset_class = simple_filterset(Location, ids=("mission",), search=("name",))


ROUTES = [("missions", MissionViewSet), ("locations", LocationViewSet)]
