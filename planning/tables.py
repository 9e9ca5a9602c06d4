from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from planning.describe import describe_scope
from planning.models import Requirement


class RequirementTable(Table):
    requirement = tables.Column(
        verbose_name=_("Requirement"),
        accessor="pk",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("kind", "pk"),
    )
    # Not orderable: the category alone would sort positions, unit types and missions as one.
    scope = tables.Column(verbose_name=_("Applies to"), accessor="pk", orderable=False)
    source = tables.Column(verbose_name=_("Source"))

    class Meta:
        model = Requirement
        fields = ("requirement", "kind", "scope", "source")
        order_by = ("kind",)

    def render_requirement(self, record: Requirement) -> str:
        return record.describe()

    def value_requirement(self, record: Requirement) -> str:
        return record.describe()

    def render_scope(self, record: Requirement) -> str:
        return describe_scope(record)

    def value_scope(self, record: Requirement) -> str:
        return describe_scope(record)

    def render_source(self, value: Any) -> str:
        text = str(value)
        return text if len(text) <= 120 else text[:117] + "…"
