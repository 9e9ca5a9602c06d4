"""The planner page's form: which rotations, the weights of this run, the rest period."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import bootstrap
from planning.planner.pool import DEFAULT_REST_MONTHS
from planning.planner.weights import LABELS, MAXIMUM, Weights
from units.models import Rotation
from units.queries import PREPARING

# Rotations whose departures lie within this many days of each other "depart together".
TOGETHER_DAYS = 45
MAX_REST_MONTHS = 60


def companions(rotation: Rotation, user: Any) -> QuerySet[Rotation]:
    """Other rotations the user may change that are in preparation and depart with `rotation`."""
    day = rotation.planned_departure
    window = datetime.timedelta(days=TOGETHER_DAYS)
    return (
        Rotation.objects.restrict(user, "change")
        .filter(status__in=PREPARING, planned_departure__range=(day - window, day + window))
        .exclude(pk=rotation.pk)
        .select_related("unit_type", "mission")
        .order_by("planned_departure", "pk")
    )


class RotationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Rotation) -> str:
        return f"{obj} · {obj.mission.code} · {obj.planned_departure:%Y-%m-%d}"


class PlanForm(forms.Form):
    # The settings template says how near a departure must be to be offered.
    together_days = TOGETHER_DAYS

    also = RotationChoice(
        queryset=Rotation.objects.none(),
        required=False,
        label=_("Plan together with"),
        widget=forms.CheckboxSelectMultiple,
    )
    rest_months = forms.IntegerField(
        label=_("Rest since the last return (months)"),
        min_value=0,
        max_value=MAX_REST_MONTHS,
        initial=DEFAULT_REST_MONTHS,
        help_text=_("Nobody is proposed within this many months of another deployment."),
    )
    specialty_required = forms.BooleanField(
        label=_("Only people of the position's specialty"),
        required=False,
        initial=True,
        help_text=_("When unticked, the specialty only adds to the score."),
    )

    def __init__(self, *args: Any, rotation: Rotation, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rotation = rotation
        self.fields["also"].queryset = companions(rotation, user)
        # Formatted here, not at import: the text is then in the language of the request.
        self.fields["also"].help_text = _(
            "Rotations in preparation that depart within %(days)s days of this one."
        ) % {"days": TOGETHER_DAYS}
        defaults = Weights()
        for name, label in LABELS.items():
            self.fields[f"w_{name}"] = forms.IntegerField(
                label=label, min_value=0, max_value=MAXIMUM, initial=getattr(defaults, name)
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue  # the template lays its boxes out itself
            bootstrap(widget, small=True)

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"w_{name}"] for name in LABELS]

    def clean_w_fill(self) -> int:
        value = self.cleaned_data["w_fill"]
        if value < 1:
            raise forms.ValidationError(_("Filling a position must be worth at least 1."))
        return value

    def weights(self) -> Weights:
        return Weights(**{name: self.cleaned_data[f"w_{name}"] for name in LABELS})

    def rotations(self) -> list[Rotation]:
        extra = list(self.cleaned_data.get("also") or [])
        return [self.rotation, *extra]

    @classmethod
    def initial_from(cls, run: Any) -> dict[str, Any]:
        """The form's values as they were for `run`, so a re-run starts from them."""
        weights = Weights.from_dict(run.weights)
        initial: dict[str, Any] = {f"w_{k}": v for k, v in weights.as_dict().items()}
        initial["rest_months"] = run.rest_months
        initial["specialty_required"] = run.specialty_required
        initial["also"] = [r["id"] for r in run.proposal.get("rotations", [])[1:]]
        return initial
