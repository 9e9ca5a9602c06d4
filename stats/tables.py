"""Tables of the statistics pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.tables import Table
from stats.models import UNReport


class UNReportTable(Table):
    month = tables.DateColumn("Y-m", verbose_name=_("Month"))
    as_of = tables.DateColumn("d/m/Y", verbose_name=_("As of"))
    file_name = tables.Column(verbose_name=_("File"))
    layout = tables.Column(verbose_name=_("Layout"))
    page_count = tables.Column(verbose_name=pgettext_lazy("page count", "Pages"))
    total = tables.Column(verbose_name=_("Total"))
    female = tables.Column(verbose_name=_("Female"), default="—")
    printed_total = tables.Column(verbose_name=_("Printed grand total"), default="—")
    imported_by = tables.Column(verbose_name=_("Imported by"), default="—")
    imported_at = tables.DateTimeColumn("Y-m-d H:i", verbose_name=_("Imported at"))

    class Meta:
        model = UNReport
        fields = (
            "month",
            "as_of",
            "file_name",
            "layout",
            "page_count",
            "total",
            "female",
            "printed_total",
            "imported_by",
            "imported_at",
        )
        order_by = ("-month",)
