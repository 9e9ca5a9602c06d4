"""Tables of the unit type and rotation lists (django-tables2)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from units.models import Rotation, UnitType
from units.queries import Strength


class UnitTypeTable(Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    establishment_size = tables.Column(verbose_name=_("Establishment"))

    class Meta:
        model = UnitType
        fields = ("name", "code", "category", "is_individual_post", "establishment_size")
        order_by = ("name",)


class RotationTable(Table):
    """Rows come from `units.queries.with_strength` and `with_dates`: no query per row."""

    name = tables.Column(linkify=True, verbose_name=_("Name"))
    mission = tables.Column(linkify=True, verbose_name=_("Mission"))
    location = tables.Column(accessor="location__name", verbose_name=_("Location"))
    organisation = tables.Column(verbose_name=_("Organisation"))
    departure = tables.DateColumn(format="Y-m-d", verbose_name=_("Departure"))
    return_on = tables.DateColumn(format="Y-m-d", verbose_name=_("Return"))
    status = tables.Column(verbose_name=_("Status"))
    strength = tables.Column(
        empty_values=(),
        verbose_name=_("Filled / positions / target"),
        order_by=("filled_count",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    women = tables.Column(
        empty_values=(),
        verbose_name=_("Women (share / target)"),
        order_by=("women_count",),
        attrs={"td": {"class": "text-nowrap"}},
    )

    class Meta:
        model = Rotation
        fields = (
            "name",
            "mission",
            "location",
            "organisation",
            "departure",
            "return_on",
            "status",
            "strength",
            "women",
        )
        order_by = ("-departure",)

    def render_strength(self, record: Rotation) -> str:
        return f"{record.filled_count} / {record.position_count} / {record.target_strength}"

    def render_women(self, record: Rotation) -> Any:
        figures = Strength.of(record)
        target = f"{figures.target_women_share.normalize():f}%"
        css = "text-danger fw-semibold" if figures.below_target else ""
        return format_html(
            '<span class="{}">{} ({} / {})</span>', css, figures.women, share_text(figures), target
        )

    def value_women(self, record: Rotation) -> str:
        figures = Strength.of(record)
        return f"{figures.women} ({share_text(figures)} / {figures.target_women_share}%)"


def share_text(figures: Strength) -> str:
    """The women share in percent; a dash while nobody fills a position (0 % is a share)."""
    return "—" if figures.women_share is None else f"{figures.women_share}%"
