"""The baseline: what a spreadsheet user does. Fill the positions in order, each with the best
eligible candidate still free, by the same score (weights.py), blind to the women target.

The planner's result is compared with it in every run (and the better of the two is kept, so
that the planner is never worse than the baseline at equal constraints).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from planning.planner.solver import Candidates, Solution, make_solution


def greedy(
    candidates: Candidates,
    order: Sequence[int],
    female: np.ndarray,
    women_weight: int,
) -> Solution:
    """Fill one position of class `order[i]` after another; `female` is by pool index."""
    taken = np.zeros(len(female), dtype=bool)
    pointer: dict[tuple[int, bool], int] = {}
    classes, persons, scores = [], [], []
    n = len(female)
    for k in order:
        best: tuple[int, int, bool, int] | None = None  # (key, person, sex, score)
        for sex in (False, True):
            person, score = _next_free(candidates, k, sex, taken, pointer)
            if person is None:
                continue
            key = score * (n + 1) + (n - person)  # score first, then the lower id
            if best is None or key > best[0]:
                best = (key, person, sex, score)
        if best is None:
            continue
        _key, person, sex, score = best
        taken[person] = True
        pointer[(k, sex)] += 1
        classes.append(k)
        persons.append(person)
        scores.append(score)
    return make_solution(
        np.array(classes, dtype=np.int64),
        np.array(persons, dtype=np.int64),
        np.array(scores, dtype=np.int64),
        female,
        np.asarray(candidates.class_rotation, dtype=np.int64),
        np.asarray(candidates.need, dtype=np.int64),
        women_weight,
    )


def _next_free(
    candidates: Candidates,
    k: int,
    sex: bool,
    taken: np.ndarray,
    pointer: dict[tuple[int, bool], int],
) -> tuple[int | None, int]:
    """The best person of class `k`'s list of one sex not yet taken (the list grows on need)."""
    at = pointer.setdefault((k, sex), 0)
    while True:
        members, values = candidates.candidates(k, sex)
        while at < len(members) and taken[members[at]]:
            at += 1
        pointer[(k, sex)] = at
        if at < len(members):
            return int(members[at]), int(values[at])
        if candidates.complete(k, sex):
            return None, 0
        candidates.grow(k, sex)
