"""Locks (a person fixed to a position by the user) and the plain words for a person's conflicts.

A lock is checked like any proposal: the person must be in the user's pool, free and rested
for the rotation's period, hold the position's specialty when specialties are required, and
meet every requirement readiness checks. A refused lock says why, in readiness's own words.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.dates import add_months
from deployments.models import Deployment
from deployments.queries import overlapping
from people.models import Person
from planning.reasons import explain_failures
from units.models import Position

if TYPE_CHECKING:
    from planning.planner.instance import Instance

Period = tuple[datetime.date, datetime.date]


def conflicts(person_ids: list[int], period: Period, rest_months: int) -> dict[int, list[str]]:
    """For each person, the deployments that keep them from `period`, in plain words."""
    start, end = period
    low, high = add_months(start, -rest_months), add_months(end, rest_months)
    found: dict[int, list[str]] = defaultdict(list)
    near = (
        Deployment.objects.filter(overlapping(low, high), person_id__in=person_ids)
        .select_related("position__rotation")
        .order_by("starts_on", "pk")
    )
    for deployment in near:
        other_end = deployment.effective_end
        values = {
            "rotation": deployment.position.rotation,
            "start": deployment.starts_on,
            "end": other_end,
            "months": rest_months,
        }
        if deployment.starts_on <= end and other_end >= start:
            text = _("in %(rotation)s from %(start)s to %(end)s") % values
        elif other_end < start:
            values["until"] = add_months(other_end, rest_months)
            text = (
                _("back from %(rotation)s on %(end)s: resting %(months)s months, until %(until)s")
                % values
            )
        else:
            text = (
                _("in %(rotation)s from %(start)s, less than %(months)s months after this period")
                % values
            )
        found[deployment.person_id].append(text)
    return found


def check_locks(
    instance: Instance, positions: list[Position], locks: dict[int, int]
) -> list[tuple[Position, int]]:
    """The locks as (position, pool index), or PlannerError saying what is wrong with each."""
    from planning.planner.instance import PlannerError

    if not locks:
        return []
    by_pk = {position.pk: position for position in positions}
    errors: list[str] = []
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=list(locks.values())).only("full_name")
    }
    positions_of: dict[int, list[Position]] = defaultdict(list)
    checked: list[tuple[Position, int]] = []
    for position_id, person_id in locks.items():
        position = by_pk.get(position_id)
        if position is None:
            errors.append(
                _("Position %(id)s is not an open position of these rotations.")
                % {"id": position_id}
            )
            continue
        if person_id not in people or not instance.pool.contains(person_id):
            errors.append(
                _("The person locked to position %(position)s is not in your candidate pool.")
                % {"position": position}
            )
            continue
        positions_of[person_id].append(position)
        checked.append((position, int(instance.pool.index_of([person_id])[0])))
    for person_id, held in positions_of.items():
        if len(held) > 1:
            errors.append(
                _("%(person)s is locked to more than one position: %(positions)s.")
                % {
                    "person": people[person_id],
                    "positions": ", ".join(str(p) for p in held),
                }
            )
    if not errors:
        for position, index in checked:
            reasons = _lock_reasons(instance, position, index)
            if reasons:
                errors.append(
                    _("%(person)s cannot be locked to %(position)s (%(rotation)s): %(reasons)s.")
                    % {
                        "person": people[int(instance.pool.ids[index])],
                        "position": position,
                        "rotation": position.rotation,
                        "reasons": "; ".join(reasons),
                    }
                )
    if errors:
        raise PlannerError({"locks": errors})
    return checked


def _lock_reasons(instance: Instance, position: Position, index: int) -> list[str]:
    rotation = position.rotation
    period = (rotation.starts_on, rotation.ends_on)
    person_id = int(instance.pool.ids[index])
    reasons: list[str] = []
    missed = instance.periods[period].missed_rules(index, instance.rules[position.pk])
    if missed:
        explained = explain_failures({person_id: missed}, {person_id: period})
        reasons += [reason.text for reason in explained.get(person_id, [])]
    if (
        instance.specialty_required
        and position.specialty_id is not None
        and instance.pool.specialty[index] != position.specialty_id
    ):
        reasons.append(
            _("the position asks for a %(specialty)s") % {"specialty": position.specialty}
        )
    if not instance.available[period][index]:
        reasons += conflicts([person_id], period, instance.pool.rest_months).get(person_id, [])
    return reasons
