"""Accepting a run: every proposed person nominated, in one transaction, or nobody.

Each nomination goes through deployments.workflow.nominate (so it is audited, with the user as
its author). Before that, the proposal is checked again against the present: a document may
have lapsed or someone may have been nominated elsewhere since the run. Any failure refuses the
whole acceptance with one message per person, and the database stays as it was.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deployments.models import Deployment
from deployments.workflow import WorkflowError, nominate
from people.models import Person
from planning.planner.instance import PlannerError
from planning.planner.models import PlanRun
from planning.planner.pool import load_pool
from planning.readiness import unmet_for_holders
from planning.reasons import explain_failures
from units.models import Position, Rotation

ADD_PERMISSION = "deployments.add_deployment"


def may_plan(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(ADD_PERMISSION))


def accept(run: PlanRun, user: Any) -> list[Deployment]:
    """Nominate the run's proposed people; PlannerError (nothing written) if any cannot be."""
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().get(pk=run.pk)
        if run.accepted:
            raise PlannerError({"accept": [_("This plan has already been accepted.")]})
        if not may_plan(user):
            raise PlannerError({"accept": [_("You may not nominate people.")]})
        rotation_ids = [r["id"] for r in run.proposal.get("rotations", [])]
        mine = Rotation.objects.restrict(user, "change").filter(pk__in=rotation_ids).count()
        if mine != len(rotation_ids):
            raise PlannerError({"accept": [_("You may no longer change these rotations.")]})
        rows = [row for row in run.proposal.get("positions", []) if row.get("person")]
        if not rows:
            raise PlannerError(
                {"accept": [_("The plan proposes nobody: there is nothing to accept.")]}
            )
        positions = Position.objects.select_related("rotation__unit_type").in_bulk(
            [row["position"] for row in rows]
        )
        errors = _check_now(rows, positions, user, run.rest_months)
        created: list[Deployment] = []
        if not errors:
            people = Person.objects.in_bulk([row["person"]["person"] for row in rows])
            note = _("Proposed by the rotation planner (run %(run)s).") % {"run": run.pk}
            for row in rows:
                position = positions[row["position"]]
                person = people[row["person"]["person"]]
                try:
                    created.append(nominate(person, position, by=user, note=note))
                except WorkflowError as error:
                    errors.append(
                        _("%(position)s (%(person)s): %(reasons)s")
                        % {
                            "position": position,
                            "person": person,
                            "reasons": " ".join(str(m) for m in error.messages),
                        }
                    )
        if errors:
            # Leaving the block by this exception rolls back every nomination made above.
            raise PlannerError({"accept": errors})
        run.accepted = timezone.now()
        run.accepted_by = user
        run.save(update_fields=["accepted", "accepted_by"])
    return created


def _check_now(
    rows: list[dict], positions: dict[int, Position], user: Any, rest_months: int
) -> list[str]:
    """What is no longer true of the proposal: pool, readiness, free and rested.

    `positions` are the rows' positions by id, with `rotation__unit_type`.
    """
    errors: list[str] = []
    person_ids = [row["person"]["person"] for row in rows]
    visible = Person.objects.restrict(user, "view").filter(pk__in=person_ids)
    seen = set(visible.values_list("pk", flat=True))
    for row in rows:
        if row["person"]["person"] not in seen:
            errors.append(
                _("Position %(number)s: the proposed person is no longer in your pool.")
                % {"number": row["number"]}
            )
    if errors:
        return errors
    holders = []
    for row in rows:
        position = positions[row["position"]]
        rotation = position.rotation
        holders.append((row["person"]["person"], position, rotation.starts_on, rotation.ends_on))
    failures = unmet_for_holders(holders)
    if failures:
        periods = {pk: (start, end) for pk, _p, start, end in holders}
        reasons = explain_failures(failures, periods)
        for pk, position, _s, _e in holders:
            if pk in reasons:
                errors.append(
                    _("%(position)s: %(person)s no longer meets: %(reasons)s.")
                    % {
                        "position": position,
                        "person": _name(rows, pk),
                        "reasons": "; ".join(r.text for r in reasons[pk]),
                    }
                )
    periods_of = {(p.rotation.starts_on, p.rotation.ends_on) for _pk, p, _s, _e in holders}
    pool = load_pool(visible, periods_of, (), rest_months)
    free = {period: pool.available(*period) for period in periods_of}
    for pk, position, start, end in holders:
        index = int(pool.index_of([pk])[0])
        if not free[(start, end)][index]:
            errors.append(
                _(
                    "%(position)s: %(person)s is now deployed, nominated or resting during "
                    "the period."
                )
                % {"position": position, "person": _name(rows, pk)}
            )
    return errors


def _name(rows: list[dict], person_id: int) -> str:
    return next(row["person"]["name"] for row in rows if row["person"]["person"] == person_id)
