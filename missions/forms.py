from core.forms import BaseModelForm
from missions.models import Location, Mission


class MissionForm(BaseModelForm):
    class Meta:
        model = Mission
        fields = [
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


class LocationForm(BaseModelForm):
    class Meta:
        model = Location
        fields = ["mission", "name", "is_headquarters", "notes"]
