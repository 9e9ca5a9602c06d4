"""Who filled which position: the demo's deployments, decided in memory before any insert.

Rotations are staffed oldest first, so a veteran can serve again once home and rested; the
rules are those of `deployments.workflow`: a position holds one live deployment, a person is
never in two deployments that share a day, and a deployment lies inside its rotation's dates.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from core.dates import whole_years
from demo.history import RotationPlan
from demo.people_gen import Candidate, PeopleFactory, Tour
from demo.units_tables import TABLES, Row, row_for
from deployments.models import State
from people.models import Service
from units.models import Category, Position, RotationStatus

DAY = datetime.timedelta(days=1)
# Time at home between two tours: the department does not send the same person straight back.
REST = datetime.timedelta(days=365)
# Chance that a post goes to a veteran who is free rather than to someone new.
REUSE = {"unit": 0.22, "individual": 0.35}
TRAVEL_DAYS = {"DPO-HQ": 1}
WITHDRAWAL_REASONS = [
    "Medical examination: not fit for deployment.",
    "Family circumstances; replaced by the next candidate.",
]
# Where the register's other people come from: (table, weight, organisation key).
REGISTER_MIX = [
    ("l2-field-hospital", 25, "h175"),
    ("engineering-company", 33, "engineers"),
    ("formed-police-unit", 17, "ppu"),
    ("staff-officer", 6, "dpko"),
    ("military-observer", 4, "centre"),
    ("liaison-officer", 2, "dpko"),
    ("individual-police-officer", 6, "police"),
    ("civilian", 2, "dpko"),
]
# Years of service the UN asks of these categories (planning.seed): posts go to people who have
# them, as the department would not put forward anyone else.
SERVICE_YEARS_ASKED = {Category.EXPERT_ON_MISSION: 5, Category.INDIVIDUAL_POLICE: 5}
CIVILIAN_SPECIALTIES = ["interpreter", "construction-engineer", "medical-officer", "logistics"]


@dataclass
class Assignment:
    """One future Deployment row: who, where, when, and how far it has gone."""

    candidate: Candidate
    position: Position
    plan: RotationPlan
    state: str
    starts_on: datetime.date
    ends_on: datetime.date
    arrived_on: datetime.date | None = None
    returned_on: datetime.date | None = None
    withdrawal_reason: str = ""

    @property
    def effective_end(self) -> datetime.date:
        return self.returned_on or self.ends_on


def english_required(position: Position) -> int:
    return max((r.level for r in position.languages.all() if r.language.code == "en"), default=0)


def served_years(candidate: Candidate, day: datetime.date) -> int:
    start = candidate.person.service_start
    return whole_years(start, day) if start else 0


def weighted_sample(
    rng: random.Random, items: list[Position], weights: list[float], k: int
) -> list[Position]:
    """k items without replacement, each drawn in proportion to its weight (Efraimidis–Spirakis)."""
    keyed = sorted(
        zip(items, weights, strict=True),
        key=lambda pair: rng.random() ** (1.0 / max(pair[1], 1e-6)),
        reverse=True,
    )
    return [item for item, _weight in keyed[:k]]


class Staffing:
    def __init__(self, factory: PeopleFactory, rng: random.Random, today: datetime.date) -> None:
        self.factory = factory
        self.rng = rng
        self.today = today
        self.by_specialty: dict[str, list[Candidate]] = {}
        self.assignments: list[Assignment] = []

    # --- people --------------------------------------------------------------------------
    def _add(self, candidate: Candidate) -> Candidate:
        self.by_specialty.setdefault(candidate.specialty, []).append(candidate)
        return candidate

    def _free(
        self, position: Position, plan: RotationPlan, sex: str, start: datetime.date
    ) -> list[Candidate]:
        services = set(plan.table.services)
        low, high = position.rank_min, position.rank_max
        service_years = SERVICE_YEARS_ASKED.get(plan.table.category, 0)
        return [
            c
            for c in self.by_specialty.get(
                position.specialty.code if position.specialty else "", []
            )
            if c.sex == sex
            and c.service in services
            and c.free_from <= start
            and c.grade is not None
            and (low is None or c.grade >= low)
            and (high is None or c.grade <= high)
            and (not service_years or served_years(c, start) >= service_years)
        ]

    def _new(
        self, position: Position, plan: RotationPlan, sex: str, start: datetime.date
    ) -> Candidate:
        service = self.rng.choice(plan.table.services)
        grade = self.factory.pick_grade(service, position.rank_min, position.rank_max)
        specialty = position.specialty.code if position.specialty else "staff-officer"
        return self._add(
            self.factory.make(
                sex=sex,
                service=service,
                specialty=specialty,
                grade=grade,
                organisation_key=plan.organisation_key,
                on=start,
                profile=plan.unit_code,
                min_service_years=SERVICE_YEARS_ASKED.get(plan.table.category, 0),
            )
        )

    def _person_for(
        self, position: Position, plan: RotationPlan, sex: str, start: datetime.date, reuse: float
    ) -> Candidate:
        if self.rng.random() < reuse:
            free = self._free(position, plan, sex, start)
            if free:
                return self.rng.choice(free)
        return self._new(position, plan, sex, start)

    def _book(self, assignment: Assignment) -> None:
        candidate = assignment.candidate
        candidate.tours.append(
            Tour(
                assignment.starts_on,
                assignment.effective_end,
                assignment.state,
                assignment.withdrawal_reason,
                unit_code=assignment.plan.unit_code,
            )
        )
        candidate.free_from = assignment.effective_end + REST
        candidate.english = max(candidate.english, english_required(assignment.position))
        if assignment.state not in (State.REPATRIATED, State.DEPLOYED, State.WITHDRAWN):
            candidate.nominated = True
        self.assignments.append(assignment)

    def _women_positions(
        self, plan: RotationPlan, positions: list[Position], women: int
    ) -> set[int]:
        rows = [row_for(plan.unit_code, p.role) for p in positions]
        weights = [row.women_weight if row else 1.0 for row in rows]
        chosen = weighted_sample(self.rng, positions, weights, min(women, len(positions)))
        return {p.pk for p in chosen}

    # --- rotations -----------------------------------------------------------------------
    def staff(self, plan: RotationPlan, positions: list[Position]) -> None:
        if plan.is_past(self.today):
            self._staff_departed(plan, positions)
        else:
            self._nominate(plan, positions)

    def _staff_departed(self, plan: RotationPlan, positions: list[Position]) -> None:
        """Every post of a rotation that has left: deployed now, or home again."""
        filled = positions[: plan.strength]
        women = self._women_positions(plan, filled, plan.women)
        returned = plan.status(self.today) == RotationStatus.RETURNED
        count = len(filled)
        first_flight = count
        if plan.second_departure:
            first_flight = plan.first_group or count // 2
        reuse = REUSE["individual" if plan.table.is_individual_post else "unit"]
        for index, position in enumerate(filled):
            starts_on = plan.departure if index < first_flight else plan.second_departure
            returned_on = None
            if returned:
                returned_on = plan.returns
                if plan.return_groups:
                    returned_on = plan.return_groups[0 if index < count // 2 else 1]
            sex = "F" if position.pk in women else "M"
            arrived = starts_on + TRAVEL_DAYS.get(plan.mission_code, 2) * DAY
            self._book(
                Assignment(
                    candidate=self._person_for(position, plan, sex, starts_on, reuse),
                    position=position,
                    plan=plan,
                    state=State.REPATRIATED if returned else State.DEPLOYED,
                    starts_on=starts_on,
                    ends_on=plan.returns,
                    arrived_on=min(arrived, returned_on or plan.returns),
                    returned_on=returned_on,
                )
            )

    def _nominate(self, plan: RotationPlan, positions: list[Position]) -> None:
        """A rotation in preparation: nominees for part of the table, leaders first."""
        rng = self.rng
        ordered = sorted(positions, key=lambda p: (-english_required(p), rng.random()))
        chosen = ordered[: round(len(positions) * plan.nominate_share)]
        chosen.sort(key=lambda p: p.number)
        women = self._women_positions(plan, chosen, plan.women)
        # A couple of earlier nominees of a forming unit dropped out and were replaced.
        withdrawn = set()
        if plan.preparing_status == RotationStatus.FORMING and len(chosen) > 10:
            withdrawn = {p.pk for p in rng.sample(chosen, len(WITHDRAWAL_REASONS))}
        reasons = iter(WITHDRAWAL_REASONS)
        for position in chosen:
            sex = "F" if position.pk in women else "M"
            if position.pk in withdrawn:
                self._book(
                    Assignment(
                        candidate=self._person_for(position, plan, sex, plan.departure, 1.0),
                        position=position,
                        plan=plan,
                        state=State.WITHDRAWN,
                        starts_on=plan.departure,
                        ends_on=plan.returns,
                        withdrawal_reason=next(reasons),
                    )
                )
            self._book(
                Assignment(
                    candidate=self._person_for(position, plan, sex, plan.departure, 1.0),
                    position=position,
                    plan=plan,
                    state=rng.choice(plan.nominee_states),
                    starts_on=plan.departure,
                    ends_on=plan.returns,
                )
            )

    # --- the rest of the register --------------------------------------------------------
    def add_register(self, count: int, organisation_keys: set[str]) -> None:
        """People on the register who have not deployed yet, in the proportions of the posts."""
        rng = self.rng
        mix = [m for m in REGISTER_MIX if m[2] in organisation_keys]
        for _index in range(count):
            code, _weight, organisation_key = rng.choices(mix, [m[1] for m in mix])[0]
            if code == "civilian":
                sex = "F" if rng.random() < 0.4 else "M"
                self._add(
                    self.factory.make(
                        sex=sex,
                        service=Service.CIVILIAN,
                        specialty=rng.choice(CIVILIAN_SPECIALTIES),
                        grade=None,
                        organisation_key=organisation_key,
                        on=self.today,
                        profile=code,
                    )
                )
                continue
            table = TABLES[code]
            row: Row = rng.choices(table.rows, [r.count for r in table.rows])[0]
            sex = "F" if rng.random() < min(0.85, 0.12 * row.women_weight) else "M"
            service = rng.choice(table.services)
            self._add(
                self.factory.make(
                    sex=sex,
                    service=service,
                    specialty=row.specialty,
                    grade=self.factory.pick_grade(service, row.rank_min, row.rank_max),
                    organisation_key=organisation_key,
                    on=self.today,
                    profile=code,
                )
            )
