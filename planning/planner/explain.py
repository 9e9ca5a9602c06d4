"""The proposal a user reads: each position with its proposed person and why, each gap with why
it stays open and who comes nearest (with what each lacks), each rotation's women figures.

The proposal is plain data (JSON): it is stored with the run (PlanRun), shown by the page and
written by the command. Reasons are built only for the people shown: the chosen, a few
alternatives per class and a few nearest candidates per gap (a query per kind of document).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.models import Person
from planning.describe import grade_label, level_label
from planning.planner.instance import Instance, PositionClass, target_grade
from planning.planner.locks import conflicts
from planning.planner.solver import Solution
from planning.planner.weights import (
    SERVICE_YEARS_COUNTED,
    WAITING_YEARS_COUNTED,
)
from planning.reasons import explain_failures

ALTERNATIVES = 3
NEAREST = 3
NOBODY = 10_000  # a count of lacks no one reaches: marks people not to list


class Explainer:
    def __init__(self, instance: Instance, solution: Solution) -> None:
        self.i = instance
        self.solution = solution
        self.assigned = np.zeros(len(instance.pool), dtype=bool)
        self.assigned[solution.persons] = True
        for _position, index in instance.locked:
            self.assigned[index] = True
        self.specialties = {}
        self.languages = {}
        self._by_day: dict = {}
        for c in instance.classes:
            for position in c.positions[:1]:
                if position.specialty_id:
                    self.specialties[position.specialty_id] = position.specialty.name
                for wanted in position.languages.all():
                    self.languages[wanted.language_id] = wanted.language.name
        for position, _index in instance.locked:
            if position.specialty_id:
                self.specialties[position.specialty_id] = str(position.specialty)
            for wanted in position.languages.all():
                self.languages[wanted.language_id] = wanted.language.name

    # --- why chosen -------------------------------------------------------------------------

    def _years(self, day: object) -> tuple[np.ndarray, np.ndarray]:
        """Years of service and of waiting on `day`, for the whole pool (once per day)."""
        found = self._by_day.get(day)
        if found is None:
            found = (self.i.pool.years_of_service(day), self.i.pool.years_waiting(day))
            self._by_day[day] = found
        return found

    def why_chosen(self, index: int, c: PositionClass, locked: bool = False) -> list[str]:
        pool, s, weights = self.i.pool, c.signature, self.i.weights
        start = s.period[0]
        why: list[str] = []
        if locked:
            why.append(_("locked by you"))
        if s.specialty_id is not None:
            name = self.specialties.get(s.specialty_id, "")
            if pool.specialty[index] == s.specialty_id:
                why.append(_("specialty %(name)s, as the position asks") % {"name": name})
            else:
                why.append(_("not a %(name)s (specialty preferred, not required)") % {"name": name})
        for language_id, minimum in s.languages:
            levels = pool.languages.get(language_id)
            level = int(levels[index]) if levels is not None else 0
            if level > minimum and weights.language:
                why.append(
                    _("%(language)s %(level)s, above the %(minimum)s required")
                    % {
                        "language": self.languages.get(language_id, ""),
                        "level": level_label(level),
                        "minimum": level_label(minimum),
                    }
                )
        years = int(self._years(start)[0][index]) if pool.has_service[index] else 0
        if years and weights.experience:
            counted = min(years, SERVICE_YEARS_COUNTED)
            why.append(
                ngettext("%(n)s year of service", "%(n)s years of service", years) % {"n": years}
                + ("" if counted == years else _(" (%(n)s counted)") % {"n": counted})
            )
        target = target_grade(s.rank_min, s.rank_max)
        if target is not None and pool.grade[index]:
            why.append(
                _("rank %(grade)s for a position ranked %(range)s")
                % {
                    "grade": grade_label(int(pool.grade[index])),
                    "range": c.positions[0].rank_range,  # the class's positions share it
                }
            )
        if pool.deployments[index] == 0:
            why.append(_("never deployed"))
        else:
            waited = int(self._years(start)[1][index])
            why.append(
                ngettext(
                    "back from the last deployment %(n)s year before departure",
                    "back from the last deployment %(n)s years before departure",
                    waited,
                )
                % {"n": waited}
                + (
                    ""
                    if waited <= WAITING_YEARS_COUNTED
                    else _(" (%(n)s counted)") % {"n": WAITING_YEARS_COUNTED}
                )
            )
        r = c.rotation
        if pool.female[index] and self.i.women_needed[r]:
            why.append(
                _("a woman: counts towards the rotation's target of %(n)s women")
                % {"n": self.i.women_needed[r]}
            )
        return why

    # --- alternatives ---------------------------------------------------------------------

    def alternatives(self, k: int) -> list[int]:
        """The best eligible people not in the plan for class `k` (pool indexes)."""
        c = self.i.classes[k]
        found: list[tuple[int, int]] = []
        n = len(self.i.pool)
        for female in (False, True):
            ranking = self.i.ranking(c.signature, female)
            free = ranking.persons[~self.assigned[ranking.persons]][:ALTERNATIVES]
            scores = self.i.scores_for(c.signature)[free]
            found += [
                (int(s) * (n + 1) + (n - int(p)), int(p)) for p, s in zip(free, scores, strict=True)
            ]
        return [p for _key, p in sorted(found, reverse=True)[:ALTERNATIVES]]

    # --- why unfilled -----------------------------------------------------------------------

    def why_unfilled(self, k: int, placed_elsewhere: dict[int, str]) -> str:
        c = self.i.classes[k]
        s = c.signature
        eligible = self.i.eligible_for(s)
        count = int(eligible.sum())
        if count:
            examples = [
                placed_elsewhere[p]
                for p in np.flatnonzero(eligible)[:3].tolist()
                if p in placed_elsewhere
            ]
            text = ngettext(
                "%(n)s person meets every requirement and is free, and is proposed for "
                "another position where the plan needs them more",
                "%(n)s people meet every requirement and are free; all are proposed for "
                "other positions where the plan needs them more",
                count,
            ) % {"n": count}
            if examples:
                text += " (" + "; ".join(examples) + ")"
            return text + "."
        period = s.period
        masks = self.i.periods[period]
        free = self.i.available[period].copy()
        for _position, index in self.i.locked:
            free[index] = False
        parts = [
            _(
                "Nobody in the pool meets every requirement of this position and is free for "
                "the period."
            )
        ]
        if self.i.specialty_required and s.specialty_id is not None:
            with_specialty = self.i.pool.specialty == s.specialty_id
            name = self.specialties.get(s.specialty_id, "")
            parts.append(
                _("%(all)s people of the pool are %(name)s, %(free)s of them free.")
                % {
                    "all": int(with_specialty.sum()),
                    "name": name,
                    "free": int((with_specialty & free).sum()),
                }
            )
            free &= with_specialty
        counts = np.bincount(masks.group[free], minlength=len(masks.masks))
        lacking = []
        for rule in c.rules:
            bit = masks.bits[rule.signature]
            failing = int(
                sum(int(counts[g]) for g, m in enumerate(masks.masks) if m & bit and counts[g])
            )
            if failing:
                lacking.append((failing, str(rule)))
        lacking.sort(key=lambda item: -item[0])
        if lacking:
            parts.append(
                _("Of the %(n)s free: %(lacks)s.")
                % {
                    "n": int(free.sum()),
                    "lacks": "; ".join(
                        _("%(count)s lack “%(what)s”") % {"count": n, "what": what}
                        for n, what in lacking[:3]
                    ),
                }
            )
        busy = (masks.missing(s.mask) == 0) & ~self.i.available[period]
        if self.i.specialty_required and s.specialty_id is not None:
            busy &= self.i.pool.specialty == s.specialty_id
        if busy.any():
            parts.append(
                ngettext(
                    "%(n)s more meets every requirement but is deployed, nominated or resting.",
                    "%(n)s more meet every requirement but are deployed, nominated or resting.",
                    int(busy.sum()),
                )
                % {"n": int(busy.sum())}
            )
        return " ".join(parts)

    def nearest(self, k: int) -> list[tuple[int, int]]:
        """Up to NEAREST people closest to qualifying for class `k`: (pool index, lacks).

        Fewest things lacking first (a requirement, being free, the specialty), then the
        higher score. People proposed elsewhere count: moving them is one way to fix a gap.
        """
        c = self.i.classes[k]
        s = c.signature
        period = s.period
        lacks = self.i.periods[period].missing(s.mask).astype(np.int32)
        lacks += ~self.i.available[period]
        if self.i.specialty_required and s.specialty_id is not None:
            lacks += self.i.pool.specialty != s.specialty_id
        lacks[lacks == 0] = NOBODY  # eligible people are not "nearest": they qualify
        for _position, index in self.i.locked:
            lacks[index] = NOBODY
        scores = self.i.scores_for(s)
        found: list[tuple[int, int]] = []
        for level in np.unique(lacks):
            if level >= NOBODY or len(found) >= NEAREST:
                break
            members = np.flatnonzero(lacks == level)
            take = min(NEAREST - len(found), len(members))
            best = members[np.argpartition(-scores[members], take - 1)[:take]]
            best = best[np.lexsort((best, -scores[best]))]
            found += [(int(p), int(level)) for p in best]
        return found

    def lacks(self, wanted: dict[int, list[int]]) -> dict[tuple[int, int], list[str]]:
        """(class, pool index) → what the person lacks for that class, in plain words."""
        by_period: dict[tuple, dict[int, set]] = defaultdict(lambda: defaultdict(set))
        for k, people in wanted.items():
            c = self.i.classes[k]
            masks = self.i.periods[c.signature.period]
            for index in people:
                missed = masks.missed_rules(index, c.rules)
                if missed:
                    by_period[c.signature.period][index].update(missed)
        reasons: dict[tuple, dict[int, list]] = {}
        busy: dict[tuple, dict[int, list[str]]] = {}
        for period, people in by_period.items():
            ids = {int(self.i.pool.ids[index]): index for index in people}
            failures = {pk: tuple(people[index]) for pk, index in ids.items() if people[index]}
            explained = explain_failures(failures, {pk: period for pk in failures})
            reasons[period] = {ids[pk]: found for pk, found in explained.items()}
        result: dict[tuple[int, int], list[str]] = {}
        for k, people in wanted.items():
            c = self.i.classes[k]
            period = c.signature.period
            if period not in busy:
                unavailable = [
                    int(self.i.pool.ids[p])
                    for kk, ps in wanted.items()
                    if self.i.classes[kk].signature.period == period
                    for p in ps
                    if not self.i.available[period][p]
                ]
                texts = (
                    conflicts(unavailable, period, self.i.pool.rest_months) if unavailable else {}
                )
                busy[period] = {
                    int(np.searchsorted(self.i.pool.ids, pk)): found for pk, found in texts.items()
                }
            rule_keys = {rule.key for rule in c.rules}
            for index in people:
                found = [
                    r.text
                    for r in reasons.get(period, {}).get(index, [])
                    if r.rule.key in rule_keys
                ]
                if self.i.specialty_required and c.signature.specialty_id is not None:
                    if self.i.pool.specialty[index] != c.signature.specialty_id:
                        found.append(
                            _("not a %(name)s")
                            % {"name": self.specialties.get(c.signature.specialty_id, "")}
                        )
                found += busy[period].get(index, [])
                result[(k, index)] = found
        return result


def _people(ids: set[int]) -> dict[int, dict[str, Any]]:
    found = {}
    chunk = sorted(ids)
    for start in range(0, len(chunk), 5000):
        rows = Person.objects.filter(pk__in=chunk[start : start + 5000]).values_list(
            "pk", "full_name", "rank__name", "sex", "specialty__name"
        )
        for pk, name, rank, sex, specialty in rows:
            found[pk] = {
                "person": pk,
                "name": name,
                "rank": rank or "",
                "sex": sex,
                "specialty": specialty or "",
            }
    return found
