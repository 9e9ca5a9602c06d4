"""Load the whole demonstration in one transaction: catalogues, rotations, people with their
papers and training, deployments.

The main records go in with `bulk_create_with_history`, so each has its "created" entry in
the audit trail (by the demo administrator) at a fraction of the cost of one save per row.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from demo import catalogues
from demo.decisions import Decisions, deployment_rows
from demo.documents import Documents, cptm_runs
from demo.history import WOMEN_TARGETS, RotationPlan, all_plans
from demo.people_gen import PeopleFactory
from demo.staffing import Staffing
from demo.units_tables import ensure_unit_types
from demo.users import ensure_demo_users
from deployments.models import Deployment, Transition
from people.models import Person
from stats import tallies
from training.models import Assessment, CourseRun, Enrolment
from units.models import Position, Rotation, RotationStatus
from units.services import generate_positions

CHANGE_REASON = "Demo data"
TRAINING_RECORDS = (Enrolment, Assessment)


class AlreadyLoaded(Exception):
    """The database already holds people or rotations: the demo would collide with them."""


def _insert(model: type, rows: list, user: Any) -> list:
    if not rows:
        return []
    return bulk_create_with_history(
        rows, model, batch_size=1000, default_user=user, default_change_reason=CHANGE_REASON
    )


def _rotation(
    plan: RotationPlan, unit_types: dict, orgs: dict, missions: Any, today: Any
) -> Rotation:
    status = plan.status(today)
    departed = plan.is_past(today)
    unit_type = unit_types[plan.unit_code]
    rotation = Rotation(
        organisation=orgs[plan.organisation_key],
        unit_type=unit_type,
        mission=missions.missions[plan.mission_code],
        location=missions.locations.get((plan.mission_code, plan.location)),
        number=plan.number,
        name=plan.name,
        planned_departure=plan.departure,
        planned_return=plan.returns,
        actual_departure=plan.departure if departed else None,
        second_departure=plan.second_departure if departed else None,
        actual_return=plan.returns if status == RotationStatus.RETURNED else None,
        target_strength=plan.strength,
        target_women_share=WOMEN_TARGETS.get(unit_type.category, 0),
        status=status,
        notes=plan.notes,
    )
    rotation.name = rotation.name or rotation.default_name()
    return rotation


def load_demo(
    *,
    people: int = 1500,
    seed: int = 2014,
    today: datetime.date,
    say: Callable[[str], None] = lambda _line: None,
) -> dict[str, int]:
    """Load the demo into a database without people or rotations; returns what it made."""
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        if Person.objects.exists() or Rotation.objects.exists():
            raise AlreadyLoaded
        orgs = catalogues.ensure_organisations()
        users = ensure_demo_users(orgs)
        admin = users["admin"]
        ranks = catalogues.ensure_ranks()
        specialties = catalogues.ensure_specialties()
        languages = catalogues.ensure_languages()
        missions = catalogues.ensure_missions(languages)
        unit_types = ensure_unit_types(specialties, languages)
        say(f"Catalogues ready ({time.perf_counter() - started:.1f} s).")

        plans = all_plans(today, rng)
        rotations = _insert(
            Rotation, [_rotation(p, unit_types, orgs, missions, today) for p in plans], admin
        )
        for rotation in rotations:
            generate_positions(rotation, by=admin)
        by_rotation: dict[int, list[Position]] = {}
        positions = (
            Position.objects.filter(rotation__in=rotations)
            .select_related("specialty")
            .prefetch_related("languages__language")
            .order_by("rotation", "number")
        )
        for position in positions:
            by_rotation.setdefault(position.rotation_id, []).append(position)
        elapsed = time.perf_counter() - started
        say(f"{len(rotations)} rotations with their positions ({elapsed:.1f} s).")

        factory = PeopleFactory(rng, ranks, specialties, orgs, today)
        staffing = Staffing(factory, rng, today)
        staffed = list(zip(plans, rotations, strict=True))
        for plan, rotation in staffed:
            if plan.is_past(today):
                staffing.staff(plan, by_rotation.get(rotation.pk, []))
        upcoming = [(p, r) for p, r in staffed if not p.is_past(today)]
        nominations = sum(
            round(len(by_rotation.get(r.pk, [])) * p.nominate_share) for p, r in upcoming
        )
        # Most nominees come from the register, so it is filled before the nominations...
        staffing.add_register(max(0, people - len(factory.made) - nominations), set(orgs))
        for plan, rotation in upcoming:
            staffing.staff(plan, by_rotation.get(rotation.pk, []))
        # ...and topped up afterwards to the number asked for.
        staffing.add_register(max(0, people - len(factory.made)), set(orgs))
        candidates = factory.made
        _insert(Person, [c.person for c in candidates], admin)
        say(f"{len(candidates)} people ({time.perf_counter() - started:.1f} s).")

        missions_of: dict[int, set[str]] = {}
        for assignment in staffing.assignments:
            missions_of.setdefault(id(assignment.candidate), set()).add(
                assignment.plan.mission_code
            )
        runs = cptm_runs(catalogues.ensure_cptm_course(), orgs["centre"], today)
        documents = Documents(rng, languages, today, runs, catalogues.assessment_rules())
        never_sent = [c for c in candidates if not c.tours]
        # Barred before their papers are built, so that none of them joins the standby pool.
        for candidate in rng.sample(never_sent, min(3, len(never_sent))):
            documents.not_cleared(candidate)
        for candidate in candidates:
            documents.build(candidate, missions_of.get(id(candidate)))
        documents.fill_runs()
        _insert(CourseRun, runs, admin)
        for model, rows in documents.rows.items():
            _insert(model, rows, admin)
        say(f"Documents and training records ({time.perf_counter() - started:.1f} s).")

        deployments = _insert(Deployment, deployment_rows(staffing.assignments), admin)
        decisions = Decisions(rng, users, today)
        transitions = decisions.transitions(staffing.assignments, deployments)
        _insert(Transition, transitions, admin)
        say(f"{len(deployments)} deployments, {len(transitions)} decisions recorded.")
        # Written in bulk, without the signals that keep the national figures' tallies.
        tallies.recount()

    made = {
        "people": len(candidates),
        "rotations": len(rotations),
        "positions": sum(len(v) for v in by_rotation.values()),
        "deployments": len(deployments),
        "transitions": len(transitions),
        "documents": sum(
            len(rows) for model, rows in documents.rows.items() if model not in TRAINING_RECORDS
        ),
        "course_runs": len(runs),
        "enrolments": len(documents.rows[Enrolment]),
        "assessments": len(documents.rows[Assessment]),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if people < made["people"]:
        say(f"Note: the real rotations need {made['people']} people; {people} were asked for.")
    return made
