"""The rotation planner: the best roster from the candidate pool, every gap explained.

    weights.py   the documented score and its default weights
    pool.py      the candidate pool as arrays: who is free for which period, their attributes
    instance.py  open positions grouped into classes, candidate lists, locks, women targets
    solver.py    min-cost flow with Lagrangian women bonuses, a pruning certificate, CP-SAT
    greedy.py    the baseline: fill positions in order with the best eligible candidate
    explain.py   why each person was chosen, why each gap stays open and what would fix it
    run.py       one run end to end (the page and the command call this)
    accept.py    a proposal → nominated deployments, in one transaction
    models.py    PlanRun: a run's proposal and locks between requests

This module imports nothing on purpose: planning.models imports planning.planner.models.
"""
