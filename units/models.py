"""Kinds of unit with their tables of positions, and each rotation's positions to fill.

An individual post (a staff officer at UNMISS headquarters, a military observer) is a unit type
with a one-position table and `is_individual_post` set: every view that handles rotations
handles individual posts with no special case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedManager
from people.models import CEFRLevel, Grade


class Category(models.TextChoices):
    """The UN's personnel categories, plus the civilians that Law 92/2025/QH15 adds."""

    TROOPS = "troops", _("Troops (contingent)")
    STAFF_OFFICER = "staff_officer", _("Staff officer")
    EXPERT_ON_MISSION = "expert", _("Expert on mission")
    FORMED_POLICE = "fpu", _("Formed police unit")
    INDIVIDUAL_POLICE = "ipo", _("Individual police officer")
    CIVILIAN = "civilian", _("Civilian expert")


class PositionFields(models.Model):
    """What a position asks for; shared by a unit type's table and a rotation's positions."""

    role = models.CharField(_("role"), max_length=120)
    specialty = models.ForeignKey(
        "people.Specialty",
        verbose_name=_("specialty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    rank_min = models.PositiveSmallIntegerField(
        _("lowest rank"), choices=Grade, null=True, blank=True
    )
    rank_max = models.PositiveSmallIntegerField(
        _("highest rank"), choices=Grade, null=True, blank=True
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors = self.field_errors()
        if errors:
            raise ValidationError(errors)

    def field_errors(self) -> dict[str, Any]:
        """Every broken rule by field, so that a subclass adds its own and raises them all."""
        errors: dict[str, Any] = {}
        if self.rank_min and self.rank_max and self.rank_min > self.rank_max:
            errors["rank_max"] = _("The highest rank is below the lowest.")
        return errors

    @property
    def rank_range(self) -> str:
        low = self.get_rank_min_display() if self.rank_min else ""
        high = self.get_rank_max_display() if self.rank_max else ""
        if low and high:
            return low if low == high else f"{low} – {high}"
        return low or high


class UnitType(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("UN personnel category"), max_length=20, choices=Category)
    is_individual_post = models.BooleanField(
        _("individual post"),
        default=False,
        help_text=_("One person per rotation, e.g. a staff officer or military observer."),
    )
    description = models.TextField(_("description"), blank=True)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit type")
        verbose_name_plural = _("unit types")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:unittype", args=[self.pk])

    @property
    def establishment(self) -> int:
        return sum(p.count for p in self.positions.all())


class UnitTypePosition(PositionFields):
    unit_type = models.ForeignKey(
        UnitType, on_delete=models.CASCADE, related_name="positions", verbose_name=_("unit type")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    count = models.PositiveSmallIntegerField(_("count"), default=1)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_type", "order", "pk"]
        verbose_name = _("table position")
        verbose_name_plural = _("table positions")

    def __str__(self) -> str:
        return f"{self.role} ×{self.count}"

    def get_absolute_url(self) -> str:
        return self.unit_type.get_absolute_url()

    def field_errors(self) -> dict[str, Any]:
        errors = super().field_errors()
        if self.count is not None and self.count < 1:
            errors["count"] = _("A table row stands for at least one person.")
        return errors

    @classmethod
    def next_order(cls, unit_type_id: int) -> int:
        """Leaves room between rows so that one can be slotted in later."""
        highest = cls.objects.filter(unit_type_id=unit_type_id).aggregate(
            highest=models.Max("order")
        )["highest"]
        return 10 if highest is None else highest + 10


class LanguageRequirement(models.Model):
    language = models.ForeignKey(
        "people.Language", on_delete=models.PROTECT, verbose_name=_("language")
    )
    level = models.PositiveSmallIntegerField(_("minimum level"), choices=CEFRLevel)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.language} {self.get_level_display()}"


class UnitTypeLanguageRequirement(LanguageRequirement):
    position = models.ForeignKey(
        UnitTypePosition, on_delete=models.CASCADE, related_name="languages"
    )
    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["position", "language"], name="unittype_language_unique"
            )
        ]


class RotationStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    FORMING = "forming", _("Forming")
    READY = "ready", _("Ready")
    DEPLOYED = "deployed", _("Deployed")
    RETURNED = "returned", _("Returned")


class Rotation(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="rotations",
        help_text=_("The organisation that forms and owns this rotation."),
    )
    unit_type = models.ForeignKey(
        UnitType, verbose_name=_("unit type"), on_delete=models.PROTECT, related_name="rotations"
    )
    mission = models.ForeignKey(
        "missions.Mission",
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="rotations",
    )
    location = models.ForeignKey(
        "missions.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rotations",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    planned_departure = models.DateField(_("planned departure"))
    planned_return = models.DateField(_("planned return"))
    actual_departure = models.DateField(_("actual departure"), null=True, blank=True)
    second_departure = models.DateField(
        _("second flight departure"), null=True, blank=True, help_text=_("If it flies in two.")
    )
    actual_return = models.DateField(_("actual return"), null=True, blank=True)
    target_strength = models.PositiveSmallIntegerField(_("target strength"))
    target_women_share = models.DecimalField(
        _("target women share (%)"), max_digits=5, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RotationStatus, default=RotationStatus.PLANNING
    )
    notes = models.TextField(_("notes"), blank=True)

    organisation_path = "organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_departure", "unit_type__name", "number"]
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_type", "mission", "number"],
                name="rotation_number_unique",
                violation_error_message=_(
                    "This unit type already has a rotation with this number in this mission."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.default_name()

    def default_name(self) -> str:
        return _("%(unit)s Rotation %(number)s") % {
            "unit": self.unit_type.name,
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("units:rotation", args=[self.pk])

    @property
    def starts_on(self):  # noqa: ANN201 - a date
        return self.actual_departure or self.planned_departure

    @property
    def ends_on(self):  # noqa: ANN201 - a date
        return self.actual_return or self.planned_return

    def clean(self) -> None:
        errors = {}
        if self.planned_departure and self.planned_return:
            if self.planned_return <= self.planned_departure:
                errors["planned_return"] = _("The return must come after the departure.")
        if self.actual_departure and self.actual_return:
            if self.actual_return <= self.actual_departure:
                errors["actual_return"] = _("The return must come after the departure.")
        if self.location_id and self.mission_id and self.location.mission_id != self.mission_id:
            errors["location"] = _("This location belongs to another mission.")
        if self.target_women_share is not None and not 0 <= self.target_women_share <= 100:
            errors["target_women_share"] = _("A share lies between 0 and 100.")
        # Checked here as well as by the constraint so that the message sits on the number
        # field (a constraint's message would be a general one, above the form).
        if self.unit_type_id and self.mission_id and self.number is not None:
            twins = Rotation.objects.filter(
                unit_type_id=self.unit_type_id, mission_id=self.mission_id, number=self.number
            ).exclude(pk=self.pk)
            if twins.exists():
                errors["number"] = _(
                    "This unit type already has a rotation with this number in this mission."
                )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def next_number(cls, unit_type_id: int, mission_id: int) -> int:
        """The number the next rotation of this unit type in this mission takes."""
        highest = cls.objects.filter(unit_type_id=unit_type_id, mission_id=mission_id).aggregate(
            highest=models.Max("number")
        )["highest"]
        return (highest or 0) + 1

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.name:
            # Stored, and printed on the UN nominal roll: in the site's language, not in the
            # language of whoever happened to create the rotation.
            with translation.override(settings.LANGUAGE_CODE):
                self.name = str(self.default_name())
        super().save(*args, **kwargs)


class Position(PositionFields):
    rotation = models.ForeignKey(
        Rotation, on_delete=models.CASCADE, related_name="positions", verbose_name=_("rotation")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    template = models.ForeignKey(
        UnitTypePosition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The table position it was generated from."),
    )

    organisation_path = "rotation__organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["rotation", "number"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["rotation", "number"], name="position_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.role}"

    def get_absolute_url(self) -> str:
        return self.rotation.get_absolute_url()

    def field_errors(self) -> dict[str, Any]:
        errors = super().field_errors()
        # The constraint would only give a general message; this one names the field.
        if self.rotation_id and self.number is not None:
            twins = Position.objects.filter(rotation_id=self.rotation_id, number=self.number)
            if twins.exclude(pk=self.pk).exists():
                errors["number"] = _("This rotation already has a position with this number.")
        return errors

    @classmethod
    def next_number(cls, rotation_id: int) -> int:
        highest = cls.objects.filter(rotation_id=rotation_id).aggregate(
            highest=models.Max("number")
        )["highest"]
        return (highest or 0) + 1


class PositionLanguageRequirement(LanguageRequirement):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="languages")
    organisation_path = "position__rotation__organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["position", "language"], name="position_language_unique"
            )
        ]
