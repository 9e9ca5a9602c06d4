"""The rules of a deployment's life: nomination and each step of the decision process.

Every function here checks everything first and writes only if all is well, inside one
transaction: a refusal raises `WorkflowError` (a ValidationError keyed by field) and leaves
the database as it was. The web pages, the management commands and the API all call these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deployments.models import ACTIVE_STATES, Authority, Deployment, State, Transition
from deployments.queries import overlapping
from people.models import Person
from planning import readiness
from planning.models import RequirementKind, Waiver
from units.models import Position

# Forward steps of the national decision process; withdrawal is allowed from any active state.
NEXT_STATE = {
    State.NOMINATED: State.SCREENED,
    State.SCREENED: State.TRAINED,
    State.TRAINED: State.APPROVED,
    State.APPROVED: State.DEPLOYED,
    State.DEPLOYED: State.REPATRIATED,
}

# A deployment that never went further than a nomination, or was withdrawn, may be deleted
# (a mistaken entry); anything past that is part of the record of decisions and stays.
DELETABLE_STATES = [State.NOMINATED, State.WITHDRAWN]

# What a step needs met for the deployment's whole period (planning.readiness decides): the
# screening board clears screenings, the training step courses and assessments, and the
# approval everything, unless the approver records a waiver with a reason.
STEP_REQUIREMENTS: dict[str, list[str] | None] = {
    State.SCREENED: [RequirementKind.SCREENING],
    State.TRAINED: [RequirementKind.COURSE, RequirementKind.ASSESSMENT],
    State.APPROVED: None,  # every requirement
}

APPROVE_PERMISSION = "deployments.approve_deployment"
DELETE_PERMISSION = "deployments.delete_deployment"


class WorkflowError(ValidationError):
    """A refused step, with a message per field so a form can show it where it belongs."""


def allowed_targets(state: str) -> list[str]:
    """The states a deployment in `state` may move to next."""
    targets = [NEXT_STATE[state]] if state in NEXT_STATE else []
    if state in ACTIVE_STATES:
        targets.append(State.WITHDRAWN)
    return targets


def may_approve(user: Any) -> bool:
    """Whether `user` may record the approval decision (the Approver role)."""
    return bool(user and user.has_perm(APPROVE_PERMISSION))


def may_reschedule(deployment: Deployment) -> bool:
    """Dates change while the deployment is live; afterwards they are the record."""
    return deployment.state in ACTIVE_STATES


def may_delete(deployment: Deployment) -> bool:
    return deployment.state in DELETABLE_STATES


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_period(position: Position, starts_on: datetime.date, ends_on: datetime.date) -> dict:
    """The deployment's period lies inside its rotation's."""
    errors: dict[str, list[str]] = {}
    rotation = position.rotation
    if ends_on < starts_on:
        _add(errors, "ends_on", _("The deployment ends before it starts."))
    if starts_on < rotation.starts_on:
        _add(
            errors,
            "starts_on",
            _("%(date)s is before the rotation departs on %(start)s.")
            % {"date": starts_on, "start": rotation.starts_on},
        )
    if ends_on > rotation.ends_on:
        _add(
            errors,
            "ends_on",
            _("%(date)s is after the rotation returns on %(end)s.")
            % {"date": ends_on, "end": rotation.ends_on},
        )
    return errors


def overlapping_deployments(
    person: Person,
    starts_on: datetime.date,
    ends_on: datetime.date,
    exclude_pk: int | None = None,
) -> list[Deployment]:
    """The person's other live or completed deployments that share at least one day.

    A completed deployment holds the person until the real return; a live one until its
    planned end. Both ends are inclusive: a deployment ending on the day another starts
    overlaps it.
    """
    queryset = (
        Deployment.objects.filter(overlapping(starts_on, ends_on), person=person)
        .select_related("position__rotation")
        .order_by("starts_on", "pk")
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset)


def _check_overlaps(
    person: Person,
    starts_on: datetime.date,
    ends_on: datetime.date,
    exclude_pk: int | None = None,
) -> dict:
    errors: dict[str, list[str]] = {}
    for other in overlapping_deployments(person, starts_on, ends_on, exclude_pk):
        _add(
            errors,
            "person",
            _("%(person)s is already in %(rotation)s from %(start)s to %(end)s.")
            % {
                "person": person,
                "rotation": other.position.rotation,
                "start": other.starts_on,
                "end": other.effective_end,
            },
        )
    return errors


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)


def _record(deployment: Deployment, by: Any, **fields: Any) -> Transition:
    step = Transition(deployment=deployment, by=by, **fields)
    step._history_user = by  # the audit history names who decided, outside a request too
    step.save()
    return step


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
        # Lock the position so two planners cannot fill it at the same moment, and the person
        # so that two nominations to different rotations cannot both pass the overlap check.
        Position.objects.select_for_update().filter(pk=position.pk).first()
        Person.objects.select_for_update().filter(pk=person.pk).first()
        errors = _check_period(position, starts_on, ends_on)
        holder = (
            Deployment.objects.filter(position=position, state__in=ACTIVE_STATES)
            .select_related("person")
            .first()
        )
        if holder is not None:
            _add(
                errors,
                "position",
                _("Position %(position)s is already filled by %(person)s.")
                % {"position": position, "person": holder.person},
            )
        _merge(errors, _check_overlaps(person, starts_on, ends_on))
        if errors:
            raise WorkflowError(errors)
        deployment = Deployment(
            person=person, position=position, starts_on=starts_on, ends_on=ends_on
        )
        deployment._history_user = by
        try:
            with transaction.atomic():
                deployment.save()
        except IntegrityError as error:  # a concurrent nomination won the race
            raise WorkflowError({"position": [_("This position has just been filled.")]}) from error
        _record(deployment, by, from_state="", to_state=State.NOMINATED, note=note.strip())
    return deployment


def _check_event_day(current: Deployment, to_state: str, event_day: datetime.date) -> dict:
    """Arrival and return are facts: they happened, and in a sensible order."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if to_state == State.DEPLOYED:
        if event_day > today:
            _add(errors, "on_date", _("An arrival cannot be recorded before it happens."))
        if event_day < current.starts_on:
            _add(
                errors,
                "on_date",
                _("The arrival on %(date)s is before the deployment starts on %(start)s.")
                % {"date": event_day, "start": current.starts_on},
            )
        if event_day > current.ends_on:
            _add(
                errors,
                "on_date",
                _("The arrival on %(date)s is after the deployment ends on %(end)s.")
                % {"date": event_day, "end": current.ends_on},
            )
    if to_state == State.REPATRIATED:
        if event_day > today:
            _add(errors, "on_date", _("A return cannot be recorded before it happens."))
        arrived = current.arrived_on or current.starts_on
        if event_day < arrived:
            _add(
                errors,
                "on_date",
                _("The return on %(date)s is before the arrival on %(arrived)s.")
                % {"date": event_day, "arrived": arrived},
            )
    return errors


def _check_decision(
    by: Any, authority: str, decision_number: str, decision_date: datetime.date | None
) -> dict:
    errors: dict[str, list[str]] = {}
    if not may_approve(by):
        _add(errors, "to_state", _("Only an approver may record the approval decision."))
    if authority not in Authority.values:
        _add(errors, "authority", _("Name the deciding authority."))
    if not decision_number.strip():
        _add(errors, "decision_number", _("Give the decision's number."))
    if decision_date is None:
        _add(errors, "decision_date", _("Give the decision's date."))
    elif decision_date > timezone.localdate():
        _add(errors, "decision_date", _("A decision cannot be dated in the future."))
    return errors


def unmet_for_step(deployment: Deployment, to_state: str) -> list[str]:
    """The requirements `to_state` needs that the person misses, in plain words."""
    if to_state not in STEP_REQUIREMENTS:
        return []
    reasons = readiness.explain(
        deployment.person,
        deployment.position,
        deployment.starts_on,
        deployment.ends_on,
        kinds=STEP_REQUIREMENTS[to_state],
    )
    return [reason.text for reason in reasons]


def _check_requirements(
    current: Deployment, to_state: str, waive: bool, waiver_reason: str
) -> tuple[dict, list[str]]:
    """Errors for unmet requirements, and what an approver's waiver would cover."""
    errors: dict[str, list[str]] = {}
    unmet = unmet_for_step(current, to_state)
    if not unmet:
        return errors, []
    if to_state == State.APPROVED and waive:
        if not waiver_reason.strip():
            _add(errors, "waiver_reason", _("Say why the unmet requirements are waived."))
        return errors, unmet
    _add(
        errors,
        "requirements",
        _("%(person)s does not meet these requirements for %(start)s – %(end)s:")
        % {"person": current.person, "start": current.starts_on, "end": current.ends_on},
    )
    for text in unmet:
        errors["requirements"].append(text[:1].upper() + text[1:] + ".")
    if to_state == State.APPROVED:
        _add(
            errors,
            "requirements",
            _("An approver may still approve by waiving them, with a reason."),
        )
    return errors, []


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
    waive: bool = False,
    waiver_reason: str = "",
) -> Deployment:
    """Move `deployment` one step, recording who decided, when and on what authority.

    `on_date` is the day of the event itself where it matters: arrival in the mission for
    "deployed" and return home for "repatriated" (today when not given). Screening, training
    and approval need the matching requirements met for the whole period; an approver may
    approve with requirements unmet by passing `waive` and a `waiver_reason`, which is
    recorded (planning.Waiver) with the unmet requirements as they stood.
    """
    with transaction.atomic():
        # Lock the row: two officers pressing a button on the same deployment take turns.
        current = (
            Deployment.objects.select_for_update(of=("self",))
            .select_related("person", "position__rotation__unit_type")
            .get(pk=deployment.pk)
        )
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
        errors: dict[str, list[str]] = {}
        if to_state == State.APPROVED:
            _merge(errors, _check_decision(by, authority, decision_number, decision_date))
        if to_state == State.WITHDRAWN and not reason.strip():
            _add(errors, "reason", _("Say why the deployment is withdrawn."))
        event_day = on_date or timezone.localdate()
        _merge(errors, _check_event_day(current, to_state, event_day))
        requirement_errors, waived = _check_requirements(current, to_state, waive, waiver_reason)
        _merge(errors, requirement_errors)
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
        approval = to_state == State.APPROVED
        step = _record(
            current,
            by,
            from_state=from_state,
            to_state=to_state,
            note=note.strip() or reason.strip(),
            authority=authority if approval else "",
            decision_number=decision_number.strip() if approval else "",
            decision_date=decision_date if approval else None,
        )
        if waived:
            waiver = Waiver(
                deployment=current,
                transition=step,
                reason=waiver_reason.strip(),
                unmet="\n".join(waived),
                by=by,
            )
            waiver._history_user = by
            waiver.save()
    deployment.refresh_from_db()
    return current


def reschedule(
    deployment: Deployment,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    by: Any,
) -> Deployment:
    """Change the deployment's period, re-checking the rotation's dates and the overlaps."""
    with transaction.atomic():
        current = (
            Deployment.objects.select_for_update(of=("self",))
            .select_related("person", "position__rotation")
            .get(pk=deployment.pk)
        )
        Person.objects.select_for_update().filter(pk=current.person_id).first()
        errors: dict[str, list[str]] = {}
        if not may_reschedule(current):
            _add(
                errors,
                NON_FIELD_ERRORS,
                _("The dates of a %(state)s deployment are part of the record.")
                % {"state": current.get_state_display().lower()},
            )
        if starts_on is None:
            _add(errors, "starts_on", _("Give the first day."))
        if ends_on is None:
            _add(errors, "ends_on", _("Give the last day."))
        if errors:
            raise WorkflowError(errors)
        _merge(errors, _check_period(current.position, starts_on, ends_on))
        if current.arrived_on and not starts_on <= current.arrived_on <= ends_on:
            _add(
                errors,
                "ends_on" if current.arrived_on > ends_on else "starts_on",
                _("The person arrived in the mission on %(date)s, outside this period.")
                % {"date": current.arrived_on},
            )
        _merge(errors, _check_overlaps(current.person, starts_on, ends_on, current.pk))
        if errors:
            raise WorkflowError(errors)
        current.starts_on = starts_on
        current.ends_on = ends_on
        current._history_user = by
        current.save()
    deployment.refresh_from_db()
    return current


def delete_refusal(deployment: Deployment, by: Any) -> str | None:
    """Why `by` may not delete `deployment`, or None when they may."""
    if not by.has_perm(DELETE_PERMISSION):
        return _("Only an administrator may delete.")
    if not may_delete(deployment):
        return _("A %(state)s deployment is part of the record and cannot be deleted.") % {
            "state": deployment.get_state_display().lower()
        }
    return None


def delete(deployment: Deployment, by: Any) -> None:
    """Delete a mistaken nomination or a withdrawn deployment (Administrator only)."""
    with transaction.atomic():
        current = Deployment.objects.select_for_update().get(pk=deployment.pk)
        refusal = delete_refusal(current, by)
        if refusal:
            raise WorkflowError({NON_FIELD_ERRORS: [refusal]})
        current._history_user = by
        current.delete()
