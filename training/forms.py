"""Forms of the training pages: they read the input; the rules live in the models and
in training.runs / training.assessments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import BaseModelForm, bootstrap
from training import assessments, runs
from training.models import LANGUAGE_COMPONENTS, Assessment, Course, CourseRun, Enrolment


class CourseForm(BaseModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "kind",
            "provider",
            "hours",
            "pass_mark",
            "validity_months",
            "prerequisites",
            "description",
        ]
        widgets = {"prerequisites": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            field = self.fields["prerequisites"]
            field.queryset = field.queryset.exclude(pk=self.instance.pk)

    def clean_prerequisites(self) -> Any:
        chosen = self.cleaned_data["prerequisites"]
        if not self.instance.pk:
            return chosen
        # A course may not require, through any chain, itself: nobody could ever start it.
        edges = dict.fromkeys(Course.objects.values_list("pk", flat=True), ())
        for course_id, required_id in Course.prerequisites.through.objects.values_list(
            "from_course_id", "to_course_id"
        ):
            edges[course_id] = (*edges[course_id], required_id)
        edges[self.instance.pk] = tuple(c.pk for c in chosen)
        seen, stack = set(), list(edges[self.instance.pk])
        while stack:
            current = stack.pop()
            if current == self.instance.pk:
                raise ValidationError(
                    _("These prerequisites lead back to this course: it could never start.")
                )
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, ()))
        return chosen

    def save(self, commit: bool = True) -> Course:
        course = super().save(commit=commit)
        rules_changed = {"pass_mark", "validity_months"} & set(self.changed_data)
        if commit and self.instance.pk and rules_changed:
            runs.refresh_course_results(course)
        return course


class CourseRunForm(BaseModelForm):
    class Meta:
        model = CourseRun
        fields = [
            "course",
            "organisation",
            "starts_on",
            "ends_on",
            "place",
            "instructors",
            "capacity",
            "notes",
        ]
        widgets = {
            "instructors": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.instance.pk:
            return data
        enrolled = self.instance.enrolments.count()
        capacity = data.get("capacity")
        if capacity is not None and capacity < enrolled:
            self.add_error(
                "capacity",
                _("%(count)d trainees are already on this run; the capacity cannot be lower.")
                % {"count": enrolled},
            )
        first = self.instance.enrolments.aggregate(first=Min("certificate_issued_on"))["first"]
        starts_on = data.get("starts_on")
        if first and starts_on and starts_on > first:
            self.add_error(
                "starts_on",
                _("A certificate of this run was issued on %(date)s, before this start.")
                % {"date": first.isoformat()},
            )
        return data


class EnrolmentResultForm(BaseModelForm):
    """One row of a run's results grid."""

    class Meta:
        model = Enrolment
        fields = ["attended", "score", "certificate_number", "certificate_issued_on"]
        widgets = {
            "score": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 100}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            if "form-check-input" not in css:
                field.widget.attrs["class"] = f"{css} form-control-sm".strip()
            field.widget.attrs["aria-label"] = str(field.label)

    def _post_clean(self) -> None:
        # A row posted for a trainee the grid does not hold (removed meanwhile, or one the user
        # may not change) has no record behind it: its id is refused, and the record's own
        # checks, which need a run and a trainee, have nothing to check.
        if self.instance.pk is None:
            return
        super()._post_clean()


class BaseResultFormSet(BaseModelFormSet):
    def clean(self) -> None:
        """A certificate number is given once in the grid (Enrolment.clean checks the others)."""
        super().clean()
        numbers: dict[str, int] = {}
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            number = (form.cleaned_data or {}).get("certificate_number")
            if not number:
                continue
            if number in numbers:
                form.add_error(
                    "certificate_number",
                    _("Also given on row %(row)d of this grid.") % {"row": numbers[number] + 1},
                )
            numbers.setdefault(number, index)
        # A number already on another run's certificate is refused by Enrolment.clean(),
        # which each row's form runs.


def result_formset(can_delete: bool) -> type[BaseModelFormSet]:
    return modelformset_factory(
        Enrolment,
        form=EnrolmentResultForm,
        formset=BaseResultFormSet,
        extra=0,
        can_delete=can_delete,
    )


class ForeignTraineeForm(forms.Form):
    """An officer of another country; named as Enrolment's fields, so that the refusals of
    training.runs.enrol_foreign land on the field they are about."""

    foreign_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Give the foreign trainee's name.")},
    )
    foreign_country = forms.CharField(label=_("Country"), max_length=100, required=False)
    foreign_organisation = forms.CharField(
        label=_("Their organisation"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bootstrap(field.widget, small=True)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )


class AssessmentForm(BaseModelForm):
    """The page's input; `training.assessments.record_assessment` applies the rules.

    The language mean and the refusal of a missing score are the rules' too: their errors
    reach the score field through `record` (the page and the API add them to the form).
    """

    class Meta:
        model = Assessment
        fields = [
            "kind",
            "language",
            "assessed_on",
            "assessor_kind",
            "assessor_name",
            *LANGUAGE_COMPONENTS,
            "vision_passed",
            "score",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "score": _("For a language, leave empty to use the mean of the four parts."),
            "vision_passed": _("Driving only."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].required = False
        for name in LANGUAGE_COMPONENTS:
            self.fields[name].help_text = _("Language only.")

    def record(self) -> Assessment:
        """Save through the rules; raises ValidationError keyed by field."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["assessor_name"] = data["assessor_name"] or ""
        data["notes"] = data["notes"] or ""
        instance = self.instance if self.instance.pk else None
        return assessments.record_assessment(self.instance.person, instance=instance, **data)
