"""One person in one position of one rotation, and every decision taken about it.

The rules for moving between states live in `deployments.workflow`; the models only hold
what was decided.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedManager


class State(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    SCREENED = "screened", _("Screened")
    TRAINED = "trained", _("Trained")
    APPROVED = "approved", _("Approved")
    DEPLOYED = "deployed", _("Deployed")
    REPATRIATED = "repatriated", _("Repatriated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which a deployment holds its position and its person's time.
ACTIVE_STATES = [
    State.NOMINATED,
    State.SCREENED,
    State.TRAINED,
    State.APPROVED,
    State.DEPLOYED,
]


class Authority(models.TextChoices):
    """Who decides, in the chain of Decree 61/2021 and Decree 01/2026."""

    MINISTRY_OF_DEFENCE = "mod", _("Ministry of National Defence")
    MINISTRY_OF_PUBLIC_SECURITY = "mps", _("Ministry of Public Security")
    GOVERNMENT = "government", _("Government")
    NATIONAL_DEFENCE_SECURITY_COUNCIL = "ndsc", _("National Defence and Security Council")
    PRESIDENT = "president", _("President")
    DEPARTMENT = "department", _("Department of Peacekeeping Operations")


class Deployment(models.Model):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    position = models.ForeignKey(
        "units.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.NOMINATED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    arrived_on = models.DateField(_("arrived in mission"), null=True, blank=True)
    returned_on = models.DateField(_("returned"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("withdrawal reason"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    organisation_path = "person__organisation"
    objects = RestrictedManager()
    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        permissions = [("approve_deployment", _("Can record decisions on deployments"))]
        constraints = [
            # The database's own guard against a position filled twice; the workflow checks
            # first so that the user reads a sentence, not an integrity error.
            models.UniqueConstraint(
                fields=["position"],
                condition=Q(state__in=ACTIVE_STATES),
                name="deployment_one_per_position",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="deployment_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "starts_on"]),
            models.Index(fields=["state", "starts_on"]),
            # The list's default order: the newest page comes from the index, not a sort of
            # every deployment in scope.
            models.Index(fields=["-starts_on", "id"], name="deployment_newest_first"),
            # Who is out there now, and the national figures' count of those not yet back
            # (returned_on IS NULL), without reading every returned deployment.
            models.Index(fields=["state", "returned_on"], name="deployment_by_return"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.position.rotation}"

    def get_absolute_url(self) -> str:
        return reverse("deployments:deployment", args=[self.pk])

    @property
    def effective_end(self) -> datetime.date:
        """The last day the person is committed: the real return once known."""
        return self.returned_on or self.ends_on


class Transition(models.Model):
    """One step of a deployment through the national decision process."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=20, choices=State, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    authority = models.CharField(
        _("deciding authority"), max_length=20, choices=Authority, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)

    organisation_path = "deployment__person__organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["deployment", "at", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
