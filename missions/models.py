"""UN operations and the places people are posted to."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedManager


class MissionKind(models.TextChoices):
    MISSION = "mission", _("Peacekeeping mission")
    HEADQUARTERS = "headquarters", _("UN headquarters posting")


class Mission(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MissionKind, default="mission")
    host_country = models.CharField(_("host country"), max_length=120)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    working_language = models.ForeignKey(
        "people.Language",
        verbose_name=_("working language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    medal_qualifying_days = models.PositiveSmallIntegerField(
        _("UN medal qualifying days"),
        default=90,
        help_text=_("Days of continuous service that earn this mission's UN medal."),
    )
    notes = models.TextField(_("notes"), blank=True)

    organisation_path = None  # missions are a shared catalogue
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("missions:mission", args=[self.pk])

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("A mission cannot end before it starts.")})


def active_on(day: datetime.date) -> Q:
    """Missions still running on `day`: not ended yet, or ending that very day."""
    return Q(ended_on__isnull=True) | Q(ended_on__gte=day)


class Location(models.Model):
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=120)
    is_headquarters = models.BooleanField(_("mission headquarters"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission__code", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(fields=["mission", "name"], name="location_unique_in_mission")
        ]

    def __str__(self) -> str:
        return f"{self.mission.code} {self.name}"

    def get_absolute_url(self) -> str:
        return self.mission.get_absolute_url()

    def clean(self) -> None:
        # Checked here, not only by the constraint, so the message lands on the name field.
        if self.mission_id and self.name:
            twins = Location.objects.filter(mission_id=self.mission_id, name__iexact=self.name)
            if twins.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"name": _("This mission already has a location of this name.")}
                )
