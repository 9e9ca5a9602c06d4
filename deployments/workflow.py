"""The rules of a deployment's life: nomination and each step of the decision process.

Every function here checks everything first and writes only if all is well, inside one
transaction: a refusal raises `WorkflowError` (a ValidationError keyed by field) and leaves
the database as it was. The web pages, the management commands and the API all call these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deployments.models import ACTIVE_STATES, Authority, Deployment, State, Transition
from people.models import Person
from units.models import Position

# Forward steps of the national decision process; withdrawal is allowed from any active state.
NEXT_STATE = {
    State.NOMINATED: State.SCREENED,
    State.SCREENED: State.TRAINED,
    State.TRAINED: State.APPROVED,
    State.APPROVED: State.DEPLOYED,
    State.DEPLOYED: State.REPATRIATED,
}


class WorkflowError(ValidationError):
    """A refused step, with a message per field so a form can show it where it belongs."""


def allowed_targets(state: str) -> list[str]:
    targets = [NEXT_STATE[state]] if state in NEXT_STATE else []
    if state in ACTIVE_STATES:
        targets.append(State.WITHDRAWN)
    return targets


def _check_period(position: Position, starts_on: datetime.date, ends_on: datetime.date) -> dict:
    errors: dict[str, list[str]] = {}
    rotation = position.rotation
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The deployment ends before it starts."))
    if starts_on < rotation.starts_on:
        errors.setdefault("starts_on", []).append(
            _("%(date)s is before the rotation departs on %(start)s.")
            % {"date": starts_on, "start": rotation.starts_on}
        )
    if ends_on > rotation.ends_on:
        errors.setdefault("ends_on", []).append(
            _("%(date)s is after the rotation returns on %(end)s.")
            % {"date": ends_on, "end": rotation.ends_on}
        )
    return errors


def overlapping_deployments(
    person: Person,
    starts_on: datetime.date,
    ends_on: datetime.date,
    exclude_pk: int | None = None,
) -> list[Deployment]:
    """The person's other live or completed deployments that share at least one day."""
    candidates = (
        Deployment.objects.filter(person=person, starts_on__lte=ends_on)
        .exclude(state=State.WITHDRAWN)
        .exclude(pk=exclude_pk)
        .select_related("position__rotation")
    )
    return [d for d in candidates if d.effective_end >= starts_on]


def nominate(
    person: Person,
    position: Position,
    *,
    by: Any,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> Deployment:
    """Put `person` forward for `position`, for the rotation's period unless told otherwise."""
    rotation = position.rotation
    starts_on = starts_on or rotation.starts_on
    ends_on = ends_on or rotation.ends_on
    with transaction.atomic():
        # Lock the position so two planners cannot fill it at the same moment.
        Position.objects.select_for_update().filter(pk=position.pk).first()
        errors = _check_period(position, starts_on, ends_on)
        holder = (
            Deployment.objects.filter(position=position, state__in=ACTIVE_STATES)
            .select_related("person")
            .first()
        )
        if holder is not None:
            errors.setdefault("position", []).append(
                _("Position %(position)s is already filled by %(person)s.")
                % {"position": position, "person": holder.person}
            )
        for other in overlapping_deployments(person, starts_on, ends_on):
            errors.setdefault("person", []).append(
                _("%(person)s is already in %(rotation)s from %(start)s to %(end)s.")
                % {
                    "person": person,
                    "rotation": other.position.rotation,
                    "start": other.starts_on,
                    "end": other.effective_end,
                }
            )
        if errors:
            raise WorkflowError(errors)
        deployment = Deployment(
            person=person, position=position, starts_on=starts_on, ends_on=ends_on
        )
        deployment._history_user = by
        try:
            deployment.save()
        except IntegrityError as error:  # a concurrent nomination won the race
            raise WorkflowError({"position": [_("This position has just been filled.")]}) from error
        Transition.objects.create(
            deployment=deployment, from_state="", to_state=State.NOMINATED, by=by, note=note
        )
    return deployment


def transition(
    deployment: Deployment,
    to_state: str,
    *,
    by: Any,
    note: str = "",
    reason: str = "",
    authority: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    on_date: datetime.date | None = None,
) -> Deployment:
    """Move `deployment` one step, recording who decided, when and on what authority.

    `on_date` is the day of the event itself where it matters: arrival in the mission for
    "deployed" and return home for "repatriated" (today when not given).
    """
    with transaction.atomic():
        current = Deployment.objects.select_for_update().get(pk=deployment.pk)
        errors: dict[str, list[str]] = {}
        if to_state not in allowed_targets(current.state):
            labels = dict(State.choices)
            raise WorkflowError(
                {
                    "to_state": [
                        _("A deployment cannot go from %(from)s to %(to)s.")
                        % {"from": labels[current.state], "to": labels.get(to_state, to_state)}
                    ]
                }
            )
        if to_state == State.APPROVED:
            if not by.has_perm("deployments.approve_deployment"):
                errors.setdefault("to_state", []).append(
                    _("Only an approver may record the approval decision.")
                )
            if authority not in Authority.values:
                errors.setdefault("authority", []).append(_("Name the deciding authority."))
            if not decision_number.strip():
                errors.setdefault("decision_number", []).append(_("Give the decision's number."))
            if decision_date is None:
                errors.setdefault("decision_date", []).append(_("Give the decision's date."))
            elif decision_date > timezone.localdate():
                errors.setdefault("decision_date", []).append(
                    _("A decision cannot be dated in the future.")
                )
        if to_state == State.WITHDRAWN and not reason.strip():
            errors.setdefault("reason", []).append(_("Say why the deployment is withdrawn."))
        event_day = on_date or timezone.localdate()
        if to_state == State.DEPLOYED:
            errors.update(_check_period(current.position, event_day, current.ends_on))
        if to_state == State.REPATRIATED:
            arrived = current.arrived_on or current.starts_on
            if event_day < arrived:
                errors.setdefault("on_date", []).append(
                    _("The return on %(date)s is before the arrival on %(arrived)s.")
                    % {"date": event_day, "arrived": arrived}
                )
        if errors:
            raise WorkflowError(errors)

        from_state = current.state
        current.state = to_state
        if to_state == State.DEPLOYED:
            current.arrived_on = event_day
        elif to_state == State.REPATRIATED:
            current.returned_on = event_day
        elif to_state == State.WITHDRAWN:
            current.withdrawal_reason = reason.strip()
        current._history_user = by
        current.save()
        Transition.objects.create(
            deployment=current,
            from_state=from_state,
            to_state=to_state,
            by=by,
            note=note or reason,
            authority=authority if to_state == State.APPROVED else "",
            decision_number=decision_number.strip() if to_state == State.APPROVED else "",
            decision_date=decision_date if to_state == State.APPROVED else None,
        )
    deployment.refresh_from_db()
    return current
