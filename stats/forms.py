"""Forms of the statistics pages: uploading reports, choosing a month and a category."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
