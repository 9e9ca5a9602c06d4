import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from deployments.models import Deployment


class DeploymentTable(Table):
    person = tables.Column(
        linkify=True, verbose_name=_("Person"), order_by=("person__search_name",)
    )
    service_number = tables.Column(
        accessor="person__service_number", verbose_name=_("Service number")
    )
    rank = tables.Column(
        accessor="person__rank", verbose_name=_("Rank"), order_by=("person__rank__grade",)
    )
    # The position and the state badge open the deployment itself (the person and rotation
    # columns open theirs).
    position = tables.Column(
        verbose_name=_("Position"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("position__rotation_id", "position__number"),
    )
    rotation = tables.Column(
        accessor="position__rotation",
        linkify=True,
        verbose_name=_("Rotation"),
        order_by=("position__rotation__planned_departure", "position__rotation__number"),
    )
    mission = tables.Column(
        accessor="position__rotation__mission",
        verbose_name=_("Mission"),
        order_by=("position__rotation__mission__code",),
    )
    starts_on = tables.DateColumn(verbose_name=_("From"), short=True)
    ends_on = tables.DateColumn(verbose_name=_("To"), short=True)
    state = tables.Column(verbose_name=_("State"), linkify=True)

    class Meta:
        model = Deployment
        fields = (
            "person",
            "service_number",
            "rank",
            "position",
            "rotation",
            "mission",
            "starts_on",
            "ends_on",
            "state",
        )
        empty_text = _("No deployments match.")

    def render_state(self, record: Deployment) -> str:
        return format_html(
            '<span class="badge state-{}">{}</span>', record.state, record.get_state_display()
        )

    def value_state(self, record: Deployment) -> str:
        return record.get_state_display()
