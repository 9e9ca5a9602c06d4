"""The solve: a min-cost flow with the women targets as Lagrangian bonuses, then CP-SAT.

The problem. Classes of positions k (capacity c_k, rotation r(k)); people p, each in at most
one position; eligible pairs with integer scores s_pk. Maximise

    f(x) = Σ s_pk x_pk  −  W · Σ_r max(0, need_r − women_r(x))

(weights.py). Without the women term it is a transportation problem, solved exactly by a
min-cost flow (source → person → class → sink, plus a source → sink arc for the people left
out). The women term is moved into the scores: each woman's arcs into rotation r earn a bonus
λ_r ∈ [0, W]. For any such λ,

    UB(λ) = max_x [Σ s_pk x_pk + Σ_r λ_r women_r(x)] − Σ_r λ_r need_r   ≥   max_x f(x)

(the Lagrangian bound of the target, relaxed through a shortfall variable costing W). Each
flow's own roster is a feasible plan with value f(x). The λ_r are bisected per rotation
(more women when short, fewer bonuses when met), keeping the best plan and the lowest bound.
When they do not meet (a gap of one point or more), CP-SAT solves the same model with the
target as a constraint, started from the best plan, within the time limit; its plan replaces
the flow's when better. The result says whether optimality is proven and the gap otherwise.

Candidate lists. The flow sees, per class and sex, only the best-scoring eligible people
(instance.py). This is exact whenever, in the flow's optimum, every such list is either the
whole eligible set or has at least one person left unassigned: that person r, unassigned, has
dual value u_r = 0, so the class's dual v_k ≥ s_rk, and every person q left off the list
(s_qk ≤ s_rk, same sex and so the same bonus) has u_q + v_k ≥ s_qk: no left-off pair can
improve the optimum of the full problem. A list whose members are all assigned is doubled and
the flow solved again, so every bound reported holds for the whole pool.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from ortools.graph.python import min_cost_flow

Progress = Callable[[str], None]
# At most this many flows in the search of the bonuses, within this share of the time limit.
MAX_FLOWS = 25
# The search of the bonuses stops once the plan is certified within this share of the best
# possible (the issue asks 0.1 %); CP-SAT may still close the rest on small models.
GAP_GOAL = 0.0002
FLOW_SHARE = 0.6
# CP-SAT polishes models up to this many candidate pairs; larger ones keep the flow's plan.
POLISH_ARCS = 40_000


class Candidates(Protocol):
    capacity: np.ndarray
    class_rotation: np.ndarray
    need: np.ndarray
    n_rotations: int

    def candidates(self, k: int, female: bool) -> tuple[np.ndarray, np.ndarray]: ...

    def complete(self, k: int, female: bool) -> bool: ...

    def grow(self, k: int, female: bool) -> None: ...


@dataclass
class Solution:
    classes: np.ndarray  # class of each assignment
    persons: np.ndarray  # pool index of each assignment
    scores: np.ndarray
    women: np.ndarray  # women assigned per rotation
    objective: int

    @property
    def size(self) -> int:
        return len(self.persons)


@dataclass
class Result:
    solution: Solution
    bound: int
    proven: bool
    method: str
    solves: int = 0

    @property
    def gap(self) -> float:
        """The remaining gap, relative to the bound (0 when proven)."""
        if self.proven:
            return 0.0
        return max(0.0, (self.bound - self.solution.objective) / max(1, abs(self.bound)))


def make_solution(
    classes: np.ndarray,
    persons: np.ndarray,
    scores: np.ndarray,
    female: np.ndarray,
    class_rotation: np.ndarray,
    need: np.ndarray,
    women_weight: int,
) -> Solution:
    classes = np.asarray(classes, dtype=np.int64)
    persons = np.asarray(persons, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.int64)
    rotations = class_rotation[classes] if len(classes) else np.empty(0, np.int64)
    women = np.bincount(
        rotations[female[persons]] if len(persons) else np.empty(0, np.int64),
        minlength=len(need),
    ).astype(np.int64)
    shortfall = np.maximum(need - women, 0)
    objective = int(scores.sum()) - women_weight * int(shortfall.sum())
    return Solution(classes, persons, scores, women, objective)


class Solver:
    def __init__(
        self,
        candidates: Candidates,
        female: np.ndarray,
        women_weight: int,
        progress: Progress | None = None,
    ) -> None:
        self.c = candidates
        self.female = female
        self.women_weight = int(women_weight)
        self.progress = progress or (lambda message: None)
        self.need = np.asarray(candidates.need, dtype=np.int64)
        self.capacity = np.asarray(candidates.capacity, dtype=np.int64)
        self.class_rotation = np.asarray(candidates.class_rotation, dtype=np.int64)
        self.solves = 0
        self._arcs: tuple[np.ndarray, ...] | None = None

    # --- arcs ---------------------------------------------------------------------------

    def arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every (class, person, score, woman) on the current lists."""
        if self._arcs is None:
            classes, persons, scores = [], [], []
            for k in range(len(self.capacity)):
                for female in (False, True):
                    members, values = self.c.candidates(k, female)
                    classes.append(np.full(len(members), k, dtype=np.int64))
                    persons.append(members.astype(np.int64))
                    scores.append(values.astype(np.int64))
            cls = np.concatenate(classes) if classes else np.empty(0, np.int64)
            per = np.concatenate(persons) if persons else np.empty(0, np.int64)
            sco = np.concatenate(scores) if scores else np.empty(0, np.int64)
            self._arcs = (cls, per, sco, self.female[per])
        return self._arcs  # type: ignore[return-value]

    def solution(self, classes: np.ndarray, persons: np.ndarray, scores: np.ndarray) -> Solution:
        return make_solution(
            classes,
            persons,
            scores,
            self.female,
            self.class_rotation,
            self.need,
            self.women_weight,
        )

    # --- one flow -------------------------------------------------------------------------

    def flow(self, lam: np.ndarray) -> tuple[Solution, int]:
        """The optimum for bonuses `lam`, exact for the whole pool (lists grown as needed).

        Returns the plan and its value with the bonuses.
        """
        while True:
            solution, value = self._flow_once(lam)
            if not self._grow_where_needed(solution):
                return solution, value
            self._arcs = None

    def _flow_once(self, lam: np.ndarray) -> tuple[Solution, int]:
        self.solves += 1
        cls, per, sco, woman = self.arcs()
        n_classes = len(self.capacity)
        people, node_of_arc = np.unique(per, return_inverse=True)
        n_people = len(people)
        source, sink = 0, 1
        person_node = 2 + node_of_arc
        class_node = 2 + n_people + np.arange(n_classes, dtype=np.int64)
        bonus = lam[self.class_rotation[cls]] * woman if len(cls) else np.empty(0, np.int64)
        tails = np.concatenate(
            [person_node, np.full(n_people, source), class_node, [source]]
        ).astype(np.int32)
        heads = np.concatenate(
            [class_node[cls], 2 + np.arange(n_people), np.full(n_classes, sink), [sink]]
        ).astype(np.int32)
        capacities = np.concatenate(
            [np.ones(len(cls)), np.ones(n_people), self.capacity, [n_people]]
        ).astype(np.int64)
        costs = np.concatenate(
            [-(sco + bonus), np.zeros(n_people), np.zeros(n_classes), [0]]
        ).astype(np.int64)
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
        flow.set_nodes_supplies(np.array([source, sink]), np.array([n_people, -n_people]))
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        used = flow.flows(np.arange(len(cls))) > 0
        solution = self.solution(cls[used], per[used], sco[used])
        return solution, int(-flow.optimal_cost())

    def _grow_where_needed(self, solution: Solution) -> bool:
        """Double each incomplete list whose every member is assigned; True if any grew."""
        assigned = np.zeros(len(self.female), dtype=bool)
        assigned[solution.persons] = True
        grew = False
        for k in range(len(self.capacity)):
            for female in (False, True):
                if self.c.complete(k, female):
                    continue
                members, _scores = self.c.candidates(k, female)
                if assigned[members].all():
                    self.c.grow(k, female)
                    grew = True
        return grew

    # --- the whole solve ------------------------------------------------------------------

    def solve(self, hint: Solution | None = None, time_limit: float = 5.0) -> Result:
        """The best plan found within `time_limit` seconds, with its certified bound."""
        started = time.perf_counter()
        best = hint
        bound: int | None = None
        W = self.women_weight
        binding = self.need > 0
        lam = np.zeros(len(self.need), dtype=np.int64)
        step_scale, stalled = 1.0, 0
        for step in range(MAX_FLOWS):
            solution, value = self.flow(lam)
            upper = value - int((lam * self.need).sum())
            improved = bound is None or upper < bound
            bound = upper if bound is None else min(bound, upper)
            for candidate in (solution, self.repair(solution)):
                if best is None or candidate.objective > best.objective:
                    best = candidate
            gradient = np.where(binding, solution.women - self.need, 0)
            self.progress(
                f"flow {step + 1}: plan {best.objective:,}, bound {bound:,}, "
                f"{int((gradient < 0).sum())} rotation(s) short of women"
            )
            if best.objective >= bound or not binding.any():
                break
            if bound - best.objective <= GAP_GOAL * abs(bound):
                break  # certified close enough: more flows would cost more than they find
            if time.perf_counter() - started > FLOW_SHARE * time_limit:
                break
            # Projected subgradient step on the bonuses (Polyak's step towards the best plan).
            stalled = 0 if improved else stalled + 1
            if stalled >= 2:
                step_scale, stalled = step_scale / 2, 0
            norm = float((gradient * gradient).sum())
            if norm == 0:
                break  # the bonuses meet every target exactly: the bound is this plan's value
            size = step_scale * (upper - best.objective) / norm
            nxt = np.clip(np.rint(lam - size * gradient), 0, W).astype(np.int64)
            if np.array_equal(nxt, lam):
                nxt = np.clip(lam - np.sign(gradient), 0, W).astype(np.int64)
                if np.array_equal(nxt, lam):
                    break
            lam = nxt
        assert best is not None and bound is not None
        result = Result(best, bound, best.objective >= bound, "flow", self.solves)
        remaining = time_limit - (time.perf_counter() - started)
        if not result.proven and remaining > 0.05 and len(self.arcs()[0]) <= POLISH_ARCS:
            self._polish(result, remaining)
        return result

    # --- repair -----------------------------------------------------------------------------

    def repair(self, solution: Solution) -> Solution:
        """Single exchanges on a flow's plan: a woman in for the weakest man where a rotation is
        short, the best free man in for the weakest woman where it has more than it needs.
        """
        members: dict[int, list[list[int]]] = {}  # class → [[person, score], ...]
        for k, p, sc in zip(
            solution.classes.tolist(), solution.persons.tolist(), solution.scores.tolist(),
            strict=True,
        ):  # fmt: skip
            members.setdefault(k, []).append([p, sc])
        taken = np.zeros(len(self.female), dtype=bool)
        taken[solution.persons] = True
        women = solution.women.copy()
        by_rotation: dict[int, list[int]] = {}
        for k, r in enumerate(self.class_rotation.tolist()):
            by_rotation.setdefault(r, []).append(k)
        for r in np.flatnonzero(self.need > 0).tolist():
            for female, wanted in ((True, 1), (False, -1)):
                while (women[r] < self.need[r]) if female else (women[r] > self.need[r]):
                    move = self._best_exchange(by_rotation.get(r, []), members, taken, female)
                    if move is None or (not female and move[0] <= 0):
                        break
                    _delta, k, out, person, score = move
                    taken[members[k][out][0]] = False
                    members[k][out] = [person, score]
                    taken[person] = True
                    women[r] += wanted
        classes = [k for k, found in members.items() for _ in found]
        persons = [p for found in members.values() for p, _s in found]
        scores = [sc for found in members.values() for _p, sc in found]
        return self.solution(np.array(classes), np.array(persons), np.array(scores))

    def _best_exchange(
        self, classes: list[int], members: dict, taken: np.ndarray, female: bool
    ) -> tuple[int, int, int, int, int] | None:
        """(gain, class, index out, person in, score) of the best swap bringing in `female`."""
        best = None
        for k in classes:
            leaving = [
                (sc, i) for i, (p, sc) in enumerate(members.get(k, [])) if self.female[p] != female
            ]
            if not leaving:
                continue
            out_score, out = min(leaving)
            persons, scores = self.c.candidates(k, female)
            free = np.flatnonzero(~taken[persons])
            if not len(free):
                continue
            person, score = int(persons[free[0]]), int(scores[free[0]])
            gain = score - out_score
            if best is None or gain > best[0]:
                best = (gain, k, out, person, score)
        return best

    # --- CP-SAT -----------------------------------------------------------------------------

    def _polish(self, result: Result, seconds: float) -> None:
        """CP-SAT on the current lists, with the target as a constraint, from the best plan."""
        # Imported here: CP-SAT brings pandas along (half a second), needed only for a polish.
        from ortools.sat.python import cp_model

        cls, per, sco, woman = self.arcs()
        model = cp_model.CpModel()
        x = [model.new_bool_var("") for _ in range(len(cls))]
        order = np.argsort(per, kind="stable")
        splits = np.flatnonzero(np.diff(per[order])) + 1
        for group in np.split(order, splits):
            if len(group) > 1:
                model.add_at_most_one(x[i] for i in group)
        order = np.argsort(cls, kind="stable")
        splits = np.flatnonzero(np.diff(cls[order])) + 1
        for group in np.split(order, splits):
            if len(group) > self.capacity[cls[group[0]]]:
                model.add(sum(x[i] for i in group) <= int(self.capacity[cls[group[0]]]))
        shortfalls = []
        rotation = self.class_rotation[cls]
        for r in np.flatnonzero(self.need > 0):
            short = model.new_int_var(0, int(self.need[r]), "")
            women = [x[i] for i in np.flatnonzero((rotation == r) & woman)]
            model.add(sum(women) + short >= int(self.need[r]))
            shortfalls.append(short)
        model.maximize(
            cp_model.LinearExpr.weighted_sum(x, [int(v) for v in sco])
            - self.women_weight * sum(shortfalls)
        )
        chosen = set(
            zip(result.solution.classes.tolist(), result.solution.persons.tolist(), strict=True)
        )
        for i in range(len(cls)):
            model.add_hint(x[i], (int(cls[i]), int(per[i])) in chosen)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = 2
        solver.parameters.random_seed = 7
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        picked = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        solution = self.solution(cls[picked], per[picked], sco[picked])
        result.method = "flow + CP-SAT"
        if solution.objective > result.solution.objective:
            result.solution = solution
        if self._lists_complete():
            # The model is the whole problem: its bound is a bound of the whole problem.
            result.bound = min(result.bound, int(np.floor(solver.best_objective_bound + 1e-6)))
        result.proven = result.solution.objective >= result.bound

    def _lists_complete(self) -> bool:
        return all(
            self.c.complete(k, female)
            for k in range(len(self.capacity))
            for female in (False, True)
        )
