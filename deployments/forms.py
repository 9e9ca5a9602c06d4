"""Forms of the deployment pages. They only read the input; the rules are in the workflow."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from deployments.models import Authority, Deployment, State
from people.models import Person


class BootstrapForm(forms.Form):
    """Adds Bootstrap classes; fields are optional so that the workflow's messages show."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def show_refusal(form: forms.Form, error: ValidationError) -> None:
    """Put each message of a refused workflow step on its field, or above the form."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


# --- one form per next state of a deployment --------------------------------------------------


class StepForm(BootstrapForm):
    """Screened, trained: only a note."""

    title = _("Record the step")
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, deployment: Deployment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deployment = deployment

    def workflow_arguments(self) -> dict[str, Any]:
        """Keyword arguments of workflow.transition from the cleaned input."""
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class ApprovalForm(StepForm):
    title = _("Record the approval decision")
    authority = forms.ChoiceField(
        label=_("Deciding authority"),
        required=False,
        choices=[("", "—")] + list(Authority.choices),
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DateInput())
    # Approval needs every requirement met; an approver may knowingly approve anyway, and the
    # waiver is recorded with its reason and the requirements it covered.
    waive = forms.BooleanField(
        label=_("Waive unmet requirements"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    waiver_reason = forms.CharField(
        label=_("Reason for the waiver"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = [
        "authority",
        "decision_number",
        "decision_date",
        "note",
        "waive",
        "waiver_reason",
    ]


class ArrivalForm(StepForm):
    title = _("Record the arrival in the mission")
    on_date = forms.DateField(label=_("Arrived on"), required=False, widget=DateInput())
    field_order = ["on_date", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Usually the day of departure; never a day that has not come yet.
        self.fields["on_date"].initial = min(self.deployment.starts_on, timezone.localdate())


class ReturnForm(StepForm):
    title = _("Record the return home")
    on_date = forms.DateField(label=_("Returned on"), required=False, widget=DateInput())
    field_order = ["on_date", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = min(self.deployment.ends_on, timezone.localdate())


class WithdrawalForm(StepForm):
    title = _("Withdraw")
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    field_order = ["reason", "note"]


STEP_FORMS: dict[str, type[StepForm]] = {
    State.APPROVED: ApprovalForm,
    State.DEPLOYED: ArrivalForm,
    State.REPATRIATED: ReturnForm,
    State.WITHDRAWN: WithdrawalForm,
}


def step_form(to_state: str, deployment: Deployment, data: Any = None) -> StepForm:
    """The form that records a move to `to_state`, its fields prefixed so forms can share a page."""
    form_class = STEP_FORMS.get(to_state, StepForm)
    return form_class(data, deployment=deployment, prefix=to_state)


# --- dates and nomination ------------------------------------------------------------------


class RescheduleForm(BootstrapForm):
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())


class NominationForm(BootstrapForm):
    """Who, and for which days (the rotation's when left empty)."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the person to nominate."),
            "invalid_choice": _("This person is not in the register you may see."),
        },
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("To"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user, "view")

    def nomination_period(self) -> tuple[datetime.date | None, datetime.date | None]:
        return self.cleaned_data.get("starts_on"), self.cleaned_data.get("ends_on")
