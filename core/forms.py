"""The base of every edit form: Bootstrap widgets and choices limited to the user's records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from core.models import Organisation
from core.querysets import placement_filter


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def bootstrap(widget: forms.Widget, *, small: bool = False) -> None:
    """Give `widget` Bootstrap's class for its kind, unless it has one already.

    Check boxes and radio buttons are `form-check-input`, drop-downs `form-select`, everything
    else `form-control`; `small` makes the latter two compact, as filter panels show them.
    """
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        css = "form-check-input"  # also each box of a CheckboxSelectMultiple (a RadioSelect)
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-sm" if small else "form-select"
    else:
        css = "form-control form-control-sm" if small else "form-control"
    widget.attrs.setdefault("class", css)


class BaseModelForm(forms.ModelForm):
    """Every ModelForm of Blue Beret takes the signed-in user.

    A choice of related records (an organisation, a person, a position) only offers what the
    user may see, so a form can never attach a record to something outside the user's scope.
    The choice that places the record itself (its organisation, or the person a document
    belongs to) offers only where the user may add or change such records: a Viewer of the
    ministry who is a Personnel officer of one department adds people to that department only.
    """

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, QuerySet) and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")
        self.limit_placement(user)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                field.widget = DateInput(attrs=widget.attrs)
            bootstrap(field.widget)

    def limit_placement(self, user: Any) -> None:
        """Offer for the field that leads to the record's organisation only where `user` holds
        the permission to add (a new record) or change (an existing one) this kind of record."""
        action = "change" if self.instance.pk else "add"
        placement = placement_filter(self._meta.model, user, action)
        if placement is None:
            return
        name, condition = placement
        field = self.fields.get(name)
        if field is not None and isinstance(getattr(field, "queryset", None), QuerySet):
            field.queryset = field.queryset.filter(condition)
            # Only a superuser places a record nowhere (an organisation at the top of the tree).
            field.required = True

    def full_clean(self) -> None:
        super().full_clean()
        # Outline each field that has an error, so the eye finds it before reading the message.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class OrganisationForm(BaseModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent"]
