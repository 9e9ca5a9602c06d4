"""Deployment rows and the decisions recorded on each, built in bulk from the staffing.

Each deployment gets the Transition rows the workflow would have written, step by step
(nominated → screened → trained → approved → deployed → repatriated), with the deciding
authority and decision number on the approval: one decision per rotation, as in practice.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from demo.staffing import Assignment
from deployments.models import Authority, Deployment, State, Transition
from people.models import Service

DAY = datetime.timedelta(days=1)
PATH = [
    State.NOMINATED,
    State.SCREENED,
    State.TRAINED,
    State.APPROVED,
    State.DEPLOYED,
    State.REPATRIATED,
]
# Resolution 130/2020/QH14 came into force on this day; from then the President decides each
# dispatch on the National Defence and Security Council's advice (Decree 61/2021).
PRESIDENT_DECIDES_FROM = datetime.date(2021, 7, 1)
NOTES = {
    State.SCREENED: "Human-rights and misconduct screening cleared.",
    State.TRAINED: "Pre-deployment course (UN CPTM) at the Vietnam Peacekeeping Training Centre.",
    State.DEPLOYED: "Arrived in the mission area.",
    State.REPATRIATED: "Returned home; handed over to the next rotation.",
}


def deployment_rows(assignments: list[Assignment]) -> list[Deployment]:
    return [
        Deployment(
            person=a.candidate.person,
            position=a.position,
            state=a.state,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            arrived_on=a.arrived_on,
            returned_on=a.returned_on,
            withdrawal_reason=a.withdrawal_reason,
        )
        for a in assignments
    ]


class Decisions:
    def __init__(self, rng: random.Random, users: dict[str, Any], today: datetime.date) -> None:
        self.rng = rng
        self.users = users
        self.today = today
        self._decisions: dict[tuple, tuple[str, str, datetime.date]] = {}
        self._zone = timezone.get_current_timezone()
        self._now = timezone.now()

    def _at(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.time(8 + self.rng.randint(0, 8), self.rng.randint(0, 59))
        # Never later than now: a step taken today happened before the demo was loaded.
        return min(datetime.datetime.combine(day, moment, tzinfo=self._zone), self._now)

    def _decision(
        self, assignment: Assignment, day: datetime.date
    ) -> tuple[str, str, datetime.date]:
        """The approval decision, shared by everyone who leaves with the same rotation."""
        plan = assignment.plan
        police = plan.organisation_key in ("police", "ppu")
        key = (plan.departure, plan.organisation_key) if plan.table.is_individual_post else plan.key
        if key not in self._decisions:
            number = self.rng.randint(120, 2400)
            if plan.departure >= PRESIDENT_DECIDES_FROM:
                decided = (Authority.PRESIDENT, f"{number}/QĐ-CTN", day)
            elif police:
                decided = (Authority.MINISTRY_OF_PUBLIC_SECURITY, f"{number}/QĐ-BCA", day)
            else:
                decided = (Authority.MINISTRY_OF_DEFENCE, f"{number}/QĐ-BQP", day)
            self._decisions[key] = decided
        return self._decisions[key]

    def _steps(self, assignment: Assignment) -> list[tuple[str, datetime.date]]:
        rng, start = self.rng, assignment.starts_on
        if assignment.state in (State.DEPLOYED, State.REPATRIATED):
            plan_start = assignment.plan.departure
            days = [
                plan_start - rng.randint(150, 200) * DAY,
                plan_start - rng.randint(100, 140) * DAY,
                plan_start - rng.randint(30, 60) * DAY,
                plan_start - rng.randint(12, 25) * DAY,
                assignment.arrived_on,
                assignment.returned_on,
            ]
            reached = PATH.index(assignment.state) + 1
            return list(zip(PATH[:reached], days[:reached], strict=True))
        if assignment.state == State.WITHDRAWN:
            states = [State.NOMINATED, State.WITHDRAWN]
        else:
            states = PATH[: PATH.index(assignment.state) + 1]
        # In preparation: the steps so far, spread over the last weeks, none after today.
        day = min(start, self.today) - rng.randint(25, 40) * len(states) * DAY
        steps = []
        for state in states:
            steps.append((state, min(day, self.today)))
            day += rng.randint(10, 30) * DAY
        return steps

    def transitions(self, assignments: list[Assignment], deployments: list[Deployment]) -> list:
        rows: list[Transition] = []
        for assignment, deployment in zip(assignments, deployments, strict=True):
            police = assignment.candidate.service == Service.POLICE
            clerk = self.users["police" if police else "planner"]
            previous = ""
            for state, day in self._steps(assignment):
                row = Transition(
                    deployment=deployment,
                    from_state=previous,
                    to_state=state,
                    at=self._at(day),
                    by=clerk,
                    note=NOTES.get(state, ""),
                )
                if state == State.SCREENED and not police:
                    row.by = self.users["personnel"]
                if state == State.APPROVED:
                    authority, number, decided_on = self._decision(assignment, day)
                    row.authority, row.decision_number = authority, number
                    row.decision_date = decided_on
                    row.at = self._at(decided_on)
                    row.by = self.users["admin" if police else "approver"]
                    row.note = (
                        "Decided on the advice of the National Defence and Security Council; "
                        "handed over at the departure ceremony."
                        if authority == Authority.PRESIDENT
                        else "Decision of the Minister."
                    )
                if state == State.WITHDRAWN:
                    row.note = assignment.withdrawal_reason
                rows.append(row)
                previous = state
        return rows
