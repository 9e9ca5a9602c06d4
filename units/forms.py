"""Edit forms of unit types, table rows, rotations and positions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import BaseModelForm
from units.models import (
    Position,
    PositionLanguageRequirement,
    Rotation,
    UnitType,
    UnitTypeLanguageRequirement,
    UnitTypePosition,
)
from units.services import fill_new_rotation_defaults, generate_positions

POSITION_FIELDS = ["role", "specialty", "rank_min", "rank_max", "notes"]


class UnitTypeForm(BaseModelForm):
    class Meta:
        model = UnitType
        fields = ["code", "name", "category", "is_individual_post", "description"]


class UnitTypePositionForm(BaseModelForm):
    class Meta:
        model = UnitTypePosition
        fields = ["order", "count", *POSITION_FIELDS]


class PositionForm(BaseModelForm):
    class Meta:
        model = Position
        fields = ["number", *POSITION_FIELDS]


class LanguageRequirementForm(BaseModelForm):
    """One row of a position's language requirements, inside an inline formset."""


UnitTypeLanguageFormSet = inlineformset_factory(
    UnitTypePosition,
    UnitTypeLanguageRequirement,
    form=LanguageRequirementForm,
    fields=["language", "level"],
    extra=2,
    can_delete=True,
)

PositionLanguageFormSet = inlineformset_factory(
    Position,
    PositionLanguageRequirement,
    form=LanguageRequirementForm,
    fields=["language", "level"],
    extra=2,
    can_delete=True,
)


class RotationForm(BaseModelForm):
    """Create or change a rotation; on creation its positions come from the unit type's table."""

    generate = forms.BooleanField(
        label=_("Generate positions"),
        required=False,
        initial=True,
        help_text=_("Create one position per person of the unit type's table of positions."),
    )

    class Meta:
        model = Rotation
        fields = [
            "unit_type",
            "mission",
            "location",
            "organisation",
            "number",
            "name",
            "status",
            "planned_departure",
            "planned_return",
            "actual_departure",
            "second_departure",
            "actual_return",
            "target_strength",
            "target_women_share",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A location reads "UNMISS Bentiu": fetch the missions with the choices, not per option.
        location = self.fields["location"]
        location.queryset = location.queryset.select_related("mission")
        self.fields["name"].help_text = _('Left empty: "<unit type> Rotation <number>".')
        self.fields["notes"].widget.attrs["rows"] = 3
        if self.creating:
            # Defaults of a new rotation (units.services.fill_new_rotation_defaults); a
            # rotation being changed keeps its number and target, so both stay required.
            self.fields["number"].required = False
            self.fields["number"].help_text = _(
                "Left empty: the next number of this unit type in this mission."
            )
            self.fields["target_strength"].required = False
            self.fields["target_strength"].help_text = _(
                "Left empty: the establishment of the unit type's table."
            )
        else:
            del self.fields["generate"]

    @property
    def creating(self) -> bool:
        return self.instance.pk is None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.creating:
            fill_new_rotation_defaults(data)
            if data.get("target_strength") is None and "target_strength" not in self.errors:
                self.add_error("target_strength", _("Give the target strength."))
        return data

    def save(self, commit: bool = True) -> Rotation:
        rotation = super().save(commit=commit)
        if commit and self.cleaned_data.get("generate"):
            generate_positions(rotation, by=self.user)
        return rotation
