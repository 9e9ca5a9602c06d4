"""A solved run as plain data (JSON): rotations, positions with person or gap, figures."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planning.planner.explain import Explainer, _people
from planning.planner.instance import Instance, PositionClass, signature_of
from planning.planner.solver import Result, Solution

VERSION = 1


def _position_facts(position: Any) -> dict[str, Any]:
    return {
        "position": position.pk,
        "number": position.number,
        "role": position.role,
        "specialty": str(position.specialty) if position.specialty_id else "",
        "rank_range": position.rank_range,
        "languages": ", ".join(
            f"{w.language.name} {w.get_level_display()}" for w in position.languages.all()
        ),
        "rotation": position.rotation_id,
    }


def locked_score(instance: Instance, position: Any, index: int) -> int:
    return int(instance.scores_for(signature_of(position))[index])


def build_proposal(
    instance: Instance,
    result: Result,
    baseline: Solution,
) -> dict[str, Any]:
    """The proposal as plain data; its figures' `seconds` are the caller's (run.py) to add."""
    solution = result.solution
    explainer = Explainer(instance, solution)
    ids = instance.pool.ids
    chosen: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, person, score in zip(
        solution.classes.tolist(), solution.persons.tolist(), solution.scores.tolist(), strict=True
    ):
        chosen[k].append((score, person))
    holder: dict[
        int, tuple[int | None, int, int, bool]
    ] = {}  # position → (class, index, score, locked)
    for k, c in enumerate(instance.classes):
        ranked = sorted(chosen[k], key=lambda item: (-item[0], int(ids[item[1]])))
        for position, (score, person) in zip(c.positions, ranked, strict=False):
            holder[position.pk] = (k, person, score, False)
    locked_total = 0
    for position, index in instance.locked:
        score = locked_score(instance, position, index)
        locked_total += score
        holder[position.pk] = (None, index, score, True)

    alternatives = {k: explainer.alternatives(k) for k in range(len(instance.classes))}
    unfilled = {
        k: c.capacity - len(chosen[k])
        for k, c in enumerate(instance.classes)
        if len(chosen[k]) < c.capacity
    }
    nearest = {k: explainer.nearest(k) for k in unfilled}
    lacks = explainer.lacks({k: [p for p, _n in found] for k, found in nearest.items()})
    shown = {int(ids[index]) for _k, index, _s, _l in holder.values()}
    shown |= {int(ids[p]) for found in alternatives.values() for p in found}
    shown |= {int(ids[p]) for found in nearest.values() for p, _n in found}
    people = _people(shown)

    by_position = {p.pk: p for c in instance.classes for p in c.positions}
    by_position.update({p.pk: p for p, _i in instance.locked})
    placed, where = {}, {}
    for pk, (_k, index, _score, _locked) in holder.items():
        person = people.get(int(ids[index]), {})
        position = by_position[pk]
        where[index] = _("%(position)s of %(rotation)s") % {
            "position": position,
            "rotation": position.rotation,
        }
        placed[index] = _("%(name)s → %(where)s") % {
            "name": person.get("name", ""),
            "where": where[index],
        }
    class_of = {p.pk: k for k, c in enumerate(instance.classes) for p in c.positions}
    gap_text = {k: explainer.why_unfilled(k, placed) for k in unfilled}

    rows = []
    for position in sorted(by_position.values(), key=lambda p: (_order(instance, p), p.number)):
        row = _position_facts(position)
        found = holder.get(position.pk)
        k = class_of.get(position.pk)
        if found is not None:
            _k, index, score, locked = found
            c = instance.classes[k] if k is not None else _locked_class(instance, position)
            row["person"] = people.get(int(ids[index]))
            row["score"] = score
            row["locked"] = locked
            row["why"] = explainer.why_chosen(index, c, locked)
            row["alternatives"] = [
                {**people[int(ids[p])], "score": int(instance.scores_for(c.signature)[p])}
                for p in (alternatives.get(k, []) if k is not None else [])
            ]
            row["gap"] = None
        else:
            row.update(person=None, score=None, locked=False, why=[], alternatives=[])
            row["gap"] = {
                "why": gap_text[k],
                "nearest": [
                    {
                        **people[int(ids[p])],
                        "lacks": lacks.get((k, p), []),
                        "proposed_for": where.get(p, ""),
                    }
                    for p, _n in nearest[k]
                ],
            }
        rows.append(row)

    figures = _figures(instance, result, baseline, locked_total, rows)
    return {
        "version": VERSION,
        "rotations": _rotations(instance, solution, rows),
        "positions": rows,
        "figures": figures,
        "weights": instance.weights.as_dict(),
        "rest_months": instance.pool.rest_months,
        "specialty_required": instance.specialty_required,
        "locks": {str(k): v for k, v in instance.locks.items()},
    }


def _order(instance: Instance, position: Any) -> int:
    return next(i for i, r in enumerate(instance.rotations) if r.pk == position.rotation_id)


def _locked_class(instance: Instance, position: Any) -> PositionClass:
    return PositionClass(
        _order(instance, position), signature_of(position), [position], instance.rules[position.pk]
    )


def _rotations(instance: Instance, solution: Solution, rows: list[dict]) -> list[dict[str, Any]]:
    result = []
    for r, rotation in enumerate(instance.rotations):
        mine = [row for row in rows if row["rotation"] == rotation.pk]
        proposed_women = sum(
            1 for row in mine if row["person"] and row["person"]["sex"] == "F" and not row["locked"]
        )
        locked_women = sum(
            1 for row in mine if row["person"] and row["person"]["sex"] == "F" and row["locked"]
        )
        needed = instance.women_needed[r]
        existing = instance.women_existing[r]
        achieved = existing + locked_women + proposed_women
        short = max(0, needed - achieved)
        result.append(
            {
                "id": rotation.pk,
                "name": str(rotation),
                "starts_on": rotation.starts_on.isoformat(),
                "ends_on": rotation.ends_on.isoformat(),
                "open": len(mine),
                "proposed": sum(1 for row in mine if row["person"]),
                "women": {
                    "target_share": str(rotation.target_women_share),
                    "needed": needed,
                    "existing": existing,
                    "locked": locked_women,
                    "proposed": proposed_women,
                    "achieved": achieved,
                    "short": short,
                    "why": _women_why(instance, r, short, proposed_women) if short else "",
                },
            }
        )
    return result


def _women_why(instance: Instance, r: int, short: int, proposed: int) -> str:
    women = np.zeros(len(instance.pool), dtype=bool)
    for c in instance.classes:
        if c.rotation == r:
            women |= instance.eligible_for(c.signature) & instance.pool.female
    eligible = int(women.sum())
    open_positions = sum(c.capacity for c in instance.classes if c.rotation == r)
    text = ngettext("Short by %(short)s woman.", "Short by %(short)s women.", short) % {
        "short": short
    }
    if open_positions < instance.women_needed[r] - instance.women_existing[r]:
        text += " " + _("Only %(n)s positions are open.") % {"n": open_positions}
    if eligible <= proposed:
        text += " " + ngettext(
            "Only %(n)s woman of the pool meets the requirements of an open position of this "
            "rotation and is free for the period; she is proposed.",
            "Only %(n)s women of the pool meet the requirements of an open position of this "
            "rotation and are free for the period; all are proposed.",
            eligible,
        ) % {"n": eligible}
    else:
        text += " " + _(
            "%(n)s women qualify for its open positions; the others are proposed for other "
            "rotations' positions, where they meet those rotations' targets."
        ) % {"n": eligible}
    return text


def _figures(
    instance: Instance,
    result: Result,
    baseline: Solution,
    locked_total: int,
    rows: list[dict],
) -> dict[str, Any]:
    filled = sum(1 for row in rows if row["person"])
    pairs = sum(
        int(instance.eligible_for(c.signature).sum()) * c.capacity for c in instance.classes
    )
    return {
        "objective": result.solution.objective + locked_total,
        "greedy_objective": baseline.objective + locked_total,
        "greedy_filled": baseline.size + len(instance.locked),
        "greedy_women_short": int(np.maximum(np.asarray(instance.need) - baseline.women, 0).sum()),
        "bound": result.bound + locked_total,
        "gap_percent": round(100 * result.gap, 4),
        "proven": result.proven,
        "method": result.method,
        "solves": result.solves,
        "open_positions": len(rows),
        "filled": filled,
        "unfilled": len(rows) - filled,
        "locked": len(instance.locked),
        "pool": len(instance.pool),
        "classes": len(instance.classes),
        "eligible_pairs": pairs,
    }
