"""The planner's solve on small generated instances: the best roster that exhaustive search
finds, proven so; never worse than the greedy baseline; lists that grow only when needed; the
women target met where it can be, and the shortfall kept as small as the pool allows.
"""

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.planner.greedy import greedy
from planning.planner.solver import Solver, make_solution

FIXED = settings(database=None, derandomize=True, deadline=None, max_examples=120)
W = 1000


@dataclass
class Lists:
    """Candidate lists as the solver reads them, starting short so that they must grow."""

    capacity: np.ndarray
    class_rotation: np.ndarray
    need: np.ndarray
    full: dict
    start: int = 1
    lengths: dict = field(default_factory=dict)

    @property
    def n_rotations(self):
        return len(self.need)

    def candidates(self, k, female):
        persons, scores = self.full[(k, female)]
        n = self.lengths.setdefault((k, female), self.start)
        return persons[:n], scores[:n]

    def complete(self, k, female):
        return self.lengths.setdefault((k, female), self.start) >= len(self.full[(k, female)][0])

    def grow(self, k, female):
        self.lengths[(k, female)] = self.lengths.get((k, female), self.start) * 2


@st.composite
def instances(draw, max_slots=6, max_people=7):
    people = draw(st.integers(1, max_people))
    female = np.array(draw(st.lists(st.booleans(), min_size=people, max_size=people)))
    rotations = draw(st.integers(1, 2))
    capacities = []
    while sum(capacities) < draw(st.integers(1, max_slots)):
        capacities.append(draw(st.integers(1, max_slots - sum(capacities))))
    classes = len(capacities)
    class_rotation = np.array([draw(st.integers(0, rotations - 1)) for _ in range(classes)])
    need = np.array([draw(st.integers(0, 3)) for _ in range(rotations)])
    score = {}
    for k in range(classes):
        for p in range(people):
            if draw(st.booleans()):
                score[(k, p)] = draw(st.integers(1, 60))
    return female, np.array(capacities), class_rotation, need, score


def lists_of(instance, start=1):
    female, capacity, class_rotation, need, score = instance
    full = {}
    for k in range(len(capacity)):
        for sex in (False, True):
            members = [p for (kk, p) in score if kk == k and female[p] == sex]
            members.sort(key=lambda p: (-score[(k, p)], p))
            full[(k, sex)] = (
                np.array(members, dtype=np.int64),
                np.array([score[(k, p)] for p in members], dtype=np.int64),
            )
    return Lists(capacity, class_rotation, need, full, start)


def brute_force(instance):
    """The best objective over every roster: each class takes any subset of free candidates."""
    female, capacity, class_rotation, need, score = instance

    def best(k, used, total, women):
        if k == len(capacity):
            short = np.maximum(need - women, 0).sum()
            return total - W * int(short)
        eligible = [p for p in range(len(female)) if (k, p) in score and p not in used]
        found = None
        for size in range(0, min(capacity[k], len(eligible)) + 1):
            for chosen in combinations(eligible, size):
                more = women.copy()
                more[class_rotation[k]] += sum(1 for p in chosen if female[p])
                value = best(
                    k + 1,
                    used | set(chosen),
                    total + sum(score[(k, p)] for p in chosen),
                    more,
                )
                found = value if found is None else max(found, value)
        return found

    return best(0, frozenset(), 0, np.zeros(len(need), dtype=np.int64))


def valid(instance, solution):
    female, capacity, class_rotation, need, score = instance
    persons = solution.persons.tolist()
    assert len(persons) == len(set(persons)), "a person twice"
    for k, p in zip(solution.classes.tolist(), persons, strict=True):
        assert (k, p) in score, "an ineligible pair"
    counts = np.bincount(solution.classes, minlength=len(capacity))
    assert (counts <= capacity).all(), "a class over capacity"


@FIXED
@given(instances())
def test_it_finds_the_roster_that_exhaustive_search_finds_and_proves_it(instance):
    female = instance[0]
    result = Solver(lists_of(instance), female, W).solve(time_limit=5)

    valid(instance, result.solution)
    assert result.solution.objective == brute_force(instance)
    assert result.proven
    assert result.bound == result.solution.objective


@FIXED
@given(instances())
def test_it_is_never_worse_than_filling_positions_in_order_with_the_best_candidate(instance):
    female, capacity = instance[0], instance[1]
    order = [k for k in range(len(capacity)) for _ in range(capacity[k])]
    baseline = greedy(lists_of(instance), order, female, W)
    result = Solver(lists_of(instance), female, W).solve(time_limit=5)

    valid(instance, baseline)
    assert result.solution.objective >= baseline.objective


@FIXED
@given(instances())
def test_short_candidate_lists_give_the_optimum_of_the_whole_lists(instance):
    female = instance[0]
    whole = lists_of(instance, start=100)
    short = lists_of(instance, start=1)
    solver = Solver(short, female, W)

    solution, value = solver.flow(np.zeros(len(instance[3]), dtype=np.int64))

    expected, expected_value = Solver(whole, female, W).flow(np.zeros(len(instance[3]), np.int64))
    assert value == expected_value


def test_it_meets_the_women_target_where_filling_in_order_does_not():
    # Two positions; the best-scoring candidates are men; one woman qualifies for each.
    female = np.array([False, False, True])
    score = {(0, 0): 50, (0, 2): 10, (1, 1): 50, (1, 2): 10}
    instance = (female, np.array([1, 1]), np.array([0, 0]), np.array([1]), score)
    baseline = greedy(lists_of(instance), [0, 1], female, W)

    result = Solver(lists_of(instance), female, W).solve()

    assert baseline.women.tolist() == [0]
    assert result.solution.women.tolist() == [1]
    assert result.solution.objective == 60 and result.proven


def test_it_gets_as_close_to_the_target_as_the_pool_allows_and_counts_the_rest():
    female = np.array([True, False, False, False])
    score = {(0, p): 20 for p in range(4)}
    instance = (female, np.array([4]), np.array([0]), np.array([3]), score)

    result = Solver(lists_of(instance), female, W).solve()

    assert result.solution.women.tolist() == [1]
    assert result.solution.size == 4
    assert result.solution.objective == 80 - 2 * W
    assert result.proven


def test_an_empty_roster_scores_only_its_shortfall():
    female = np.array([True])
    solution = make_solution(
        np.empty(0, np.int64),
        np.empty(0, np.int64),
        np.empty(0, np.int64),
        female,
        np.array([0]),
        np.array([2]),
        W,
    )
    assert solution.objective == -2 * W
