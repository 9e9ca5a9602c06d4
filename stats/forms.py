"""Forms of the statistics pages: uploading reports, choosing a month, a category, years."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.parsing import parse_month
from missions.models import Mission
from stats.models import PersonnelType

# The UN's reports are 0.1-0.8 MB; anything far larger is not one of them.
MAX_REPORT_BYTES = 20 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else [data]
        return [single(item, initial) for item in files if item] or [single(None, initial)]


class ReportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("UN monthly reports (PDF)"),
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}),
    )

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.size > MAX_REPORT_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is too large to be a UN report.") % {"name": upload.name}
                )
        return files


class RankingForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *PersonnelType.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean_month(self) -> datetime.date | None:
        """The month's first day, or None when none is asked for."""
        text = self.cleaned_data["month"]
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2024-01."))
        return month


class TimelineForm(forms.Form):
    """The rotations timeline's filters; every one may stay empty."""

    KINDS = [
        ("units", _("Formed units")),
        ("individual", _("Individual posts")),
        ("all", _("Units and individual posts")),
    ]
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=KINDS,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    mission = forms.ModelChoiceField(
        label=_("Mission"),
        required=False,
        queryset=Mission.objects.order_by("code"),
        empty_label=_("All missions"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    first_year = forms.IntegerField(
        label=_("From"),
        required=False,
        min_value=1948,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    last_year = forms.IntegerField(
        label=_("To"),
        required=False,
        min_value=1948,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year comes before the first."))
        return data
