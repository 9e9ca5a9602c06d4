"""The people register as a table: what the list page shows and what the exports hold."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import Table
from people.models import Person


class PersonTable(Table):
    full_name = tables.Column(linkify=True, verbose_name=_("Name"), order_by=("search_name",))
    service_number = tables.Column(verbose_name=_("Service number"))
    # Ranks sort by NATO grade, not alphabetically: a colonel comes after a captain.
    rank = tables.Column(verbose_name=_("Rank"), order_by=("rank__grade", "rank__name"))
    specialty = tables.Column(verbose_name=_("Specialty"), order_by=("specialty__name",))
    organisation = tables.Column(verbose_name=_("Organisation"), order_by=("organisation__name",))
    date_of_birth = tables.DateColumn(verbose_name=_("Date of birth"), format="Y-m-d")
    deployed_now = tables.BooleanColumn(verbose_name=_("Deployed"), orderable=False)
    # Shown in the exports only: the columns a UN nomination spreadsheet asks for.
    latin_name = tables.Column(verbose_name=_("Name in Latin letters"), visible=False)
    grade = tables.Column(
        accessor="rank__get_grade_display", verbose_name=_("Grade"), visible=False
    )
    nationality = tables.Column(verbose_name=_("Nationality"), visible=False)
    service_start = tables.DateColumn(
        verbose_name=_("Service start"), format="Y-m-d", visible=False
    )
    email = tables.Column(verbose_name=_("Email"), visible=False)
    phone = tables.Column(verbose_name=_("Phone"), visible=False)

    class Meta:
        model = Person
        # The columns in this order; the export-only ones declared above follow them.
        fields = (
            "full_name",
            "service_number",
            "sex",
            "service",
            "rank",
            "specialty",
            "organisation",
            "date_of_birth",
            "deployed_now",
        )
        order_by = ("full_name",)
        empty_text = _("No person matches.")
