"""Forms of the planning pages: requirements, a person's readiness, expiring documents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import BaseModelForm, DateInput, bootstrap
from core.models import Organisation
from planning.expiring import DOCUMENT_KINDS
from planning.models import WHAT_FIELDS, Requirement
from units.models import Position, Rotation, RotationStatus

# Rotations offered as a scope or for a readiness check: those not yet home.
OPEN_ROTATIONS = [
    RotationStatus.PLANNING,
    RotationStatus.FORMING,
    RotationStatus.READY,
    RotationStatus.DEPLOYED,
]


class PositionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Position) -> str:
        return f"{obj.rotation} — {obj}"


class RequirementForm(BaseModelForm):
    position = PositionChoiceField(
        queryset=Position.objects.all(),
        required=False,
        label=_("Position"),
        help_text=_("Only positions of rotations not yet home are offered."),
        error_messages={"invalid_choice": _("This position does not exist or is out of reach.")},
    )

    class Meta:
        model = Requirement
        # The kind, the scope (at most one of four), what the kind asks, where it comes from.
        fields = [
            "kind",
            "position",
            "unit_type",
            "mission",
            "category",
            *WHAT_FIELDS,
            "source",
            "notes",
        ]
        error_messages = {
            "course": {"invalid_choice": _("This course is not in the catalogue.")},
            "language": {"invalid_choice": _("This language is not in the catalogue.")},
        }
        help_texts = {
            "kind": _(
                "Then fill only what this kind asks: a course, an assessment, a language and "
                "level, a licence category, years, ages, ranks, a margin or a screening."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.position_id
        # Thousands of past positions would drown the list; a past one stays if already set.
        self.fields["position"].queryset = (
            Position.objects.restrict(self.user, "view")
            .filter(Q(rotation__status__in=OPEN_ROTATIONS) | Q(pk=current))
            .select_related("rotation")
            .order_by("rotation__planned_departure", "rotation_id", "number")
        )

    def _update_errors(self, errors: ValidationError) -> None:
        # A field the form already refused (a course that does not exist) would otherwise
        # also get the model's "needs this field": one message per mistake is enough.
        if hasattr(errors, "error_dict"):
            errors.error_dict = {
                field: messages
                for field, messages in errors.error_dict.items()
                if field not in self._errors
            }
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class PersonReadinessForm(forms.Form):
    """Which position, and which period (the rotation's unless given)."""

    rotation = forms.ModelChoiceField(
        queryset=Rotation.objects.none(),
        required=False,
        label=_("Rotation"),
        error_messages={"invalid_choice": _("This rotation does not exist or is out of reach.")},
    )
    position = forms.ModelChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label=_("Position"),
        error_messages={"invalid_choice": _("Choose a position of the rotation.")},
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, rotation: Rotation | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        picked = rotation.pk if rotation else None
        self.fields["rotation"].queryset = (
            Rotation.objects.restrict(user, "view")
            .filter(Q(status__in=OPEN_ROTATIONS) | Q(pk=picked))
            .order_by("-planned_departure", "name")
        )
        if rotation is not None:
            self.fields["position"].queryset = Position.objects.restrict(user, "view").filter(
                rotation=rotation
            )
        for name, field in self.fields.items():
            bootstrap(field.widget, small=True)
            field.widget.attrs.setdefault("data-field", name)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data


# The expiring page looks this many days ahead unless told otherwise.
EXPIRING_DAYS = 90


class ExpiringForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("Organisation")
    )
    days = forms.IntegerField(
        label=_("Within (days)"), min_value=1, max_value=3650, required=False, initial=EXPIRING_DAYS
    )
    kind = forms.ChoiceField(
        label=_("Document"),
        required=False,
        choices=[("", _("All"))] + [(k, v) for k, v in DOCUMENT_KINDS.items()],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.restrict(user, "view")
        for field in self.fields.values():
            bootstrap(field.widget, small=True)

    def period_days(self) -> int:
        days = self.cleaned_data.get("days") if self.is_valid() else None
        return days or EXPIRING_DAYS
