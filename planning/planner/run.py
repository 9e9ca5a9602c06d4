"""One planner run, end to end: the page, the command and the benchmark all call `plan`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet

from people.models import Person
from planning.planner.greedy import greedy
from planning.planner.instance import Instance, PlannerError, build
from planning.planner.pool import DEFAULT_REST_MONTHS
from planning.planner.proposal import build_proposal
from planning.planner.solver import Result, Solution, Solver
from planning.planner.weights import Weights
from units.models import Rotation

DEFAULT_TIME_LIMIT = 5.0

__all__ = ["PlannerError", "plan", "solve_instance", "DEFAULT_TIME_LIMIT"]


def fill_order(instance: Instance) -> list[int]:
    """The class of each open position, in the order a person would fill them."""
    positions = [
        (c.rotation, position.number, k)
        for k, c in enumerate(instance.classes)
        for position in c.positions
    ]
    return [k for _r, _n, k in sorted(positions)]


def solve_instance(
    instance: Instance,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> tuple[Result, Solution]:
    """The planner's result and the greedy baseline's roster for the same instance."""
    female = instance.pool.female
    women_weight = instance.weights.women_shortfall
    baseline = greedy(instance, fill_order(instance), female, women_weight)
    solver = Solver(instance, female, women_weight, progress)
    return solver.solve(hint=baseline, time_limit=time_limit), baseline


def plan(
    rotations: Sequence[Rotation],
    people: QuerySet[Person],
    *,
    weights: Weights | None = None,
    locks: dict[int, int] | None = None,
    rest_months: int = DEFAULT_REST_MONTHS,
    specialty_required: bool = True,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Propose a roster for `rotations` from `people` (the user's pool), explained.

    `locks` maps position ids to person ids that must stay. Raises PlannerError, before
    anything is written, on a rotation without open positions, an empty pool or bad locks.
    Rotations need their unit type and mission loaded (select_related).
    """
    say = progress or (lambda message: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    say("Loading the pool and checking eligibility…")
    instance = build(
        list(rotations),
        people,
        weights=weights,
        locks=locks,
        rest_months=rest_months,
        specialty_required=specialty_required,
        timings=timings,
    )
    say(
        f"{len(instance.pool):,} people; {int(instance.capacity.sum()):,} open positions in "
        f"{len(instance.classes):,} classes; pool {timings['pool']:.2f} s, "
        f"eligibility {timings['eligibility']:.2f} s"
    )
    begun = time.perf_counter()
    result, baseline = solve_instance(instance, time_limit, say)
    timings["solve"] = time.perf_counter() - begun
    say(
        f"solved ({result.method}): objective {result.solution.objective:,}, "
        f"greedy {baseline.objective:,}, gap {100 * result.gap:.4f} % in {timings['solve']:.2f} s"
    )
    begun = time.perf_counter()
    proposal = build_proposal(instance, result, baseline)
    timings["explain"] = time.perf_counter() - begun
    timings["total"] = time.perf_counter() - started
    proposal["figures"]["seconds"] = {name: round(value, 3) for name, value in timings.items()}
    say(f"explanations {timings['explain']:.2f} s; whole run {timings['total']:.2f} s")
    return proposal
