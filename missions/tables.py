import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from missions.models import Mission


class MissionTable(Table):
    code = tables.Column(linkify=True, verbose_name=_("Code"))
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    working_language = tables.Column(verbose_name=_("Working language"))
    location_count = tables.Column(verbose_name=_("Locations"))
    started_on = tables.DateColumn(format="Y-m-d", verbose_name=_("Started on"))
    ended_on = tables.DateColumn(format="Y-m-d", verbose_name=_("Ended on"))

    class Meta:
        model = Mission
        fields = (
            "code",
            "name",
            "kind",
            "host_country",
            "started_on",
            "ended_on",
            "working_language",
            "medal_qualifying_days",
            "location_count",
        )
        order_by = ("code",)
