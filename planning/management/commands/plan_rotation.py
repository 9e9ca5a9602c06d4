"""`manage.py plan_rotation ROTATION... [--json FILE]`: the rotation planner, for scripts.

Proposes a roster for one rotation or several that depart together, prints a summary and,
with --json, writes the whole proposal (every position with its person and why, every gap
with why and the nearest candidates, the women figures and the solver's figures). Progress
goes to standard error as the run goes. Nothing is nominated: accept a plan on its page.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.parsing import parse_id
from people.models import Person
from planning.planner.instance import PlannerError
from planning.planner.pool import DEFAULT_REST_MONTHS
from planning.planner.run import DEFAULT_TIME_LIMIT, plan
from planning.planner.weights import Weights
from units.models import Rotation


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise CommandError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


class Command(BaseCommand):
    help = "Propose a roster for one or more rotations (by id) and explain every gap."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rotations", nargs="+", type=int, metavar="ROTATION")
        parser.add_argument(
            "--json", metavar="FILE", help="Write the proposal as JSON ('-': stdout)."
        )
        parser.add_argument(
            "--user",
            help="Plan as this user: their pool and their rotations (default: everyone).",
        )
        parser.add_argument("--rest-months", type=int, default=DEFAULT_REST_MONTHS)
        parser.add_argument(
            "--weight",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"Change a weight; names: {', '.join(Weights().as_dict())}.",
        )
        parser.add_argument(
            "--lock", action="append", default=[], metavar="POSITION=PERSON", help="Keep a person."
        )
        parser.add_argument(
            "--specialty-preferred",
            action="store_true",
            help="Let people of another specialty fill a position (the specialty only scores).",
        )
        parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        people, rotations = self._scope(options["user"], options["rotations"])
        weights = self._weights(options["weight"])
        locks = {}
        for text in options["lock"]:
            position, person = (parse_id(part) for part in _pair(text))
            if position is None or person is None:
                raise CommandError(f"--lock takes ids: {text!r}")
            locks[position] = person
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stderr.write(f"[{time.perf_counter() - started:6.2f} s] {message}")
            self.stderr.flush()

        try:
            proposal = plan(
                rotations,
                people,
                weights=weights,
                locks=locks,
                rest_months=options["rest_months"],
                specialty_required=not options["specialty_preferred"],
                time_limit=options["time_limit"],
                progress=progress,
            )
        except PlannerError as error:
            raise CommandError("\n".join(str(m) for m in error.messages)) from error
        to_stdout = options["json"] == "-"
        # With the JSON on standard output, the summary goes to standard error: scripts read
        # one document.
        self._summary(proposal, self.stderr if to_stdout else self.stdout)
        if options["json"]:
            text = json.dumps(proposal, ensure_ascii=False, indent=1)
            if to_stdout:
                self.stdout.write(text)
            else:
                with open(options["json"], "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                self.stdout.write(f"Proposal written to {options['json']}")

    def _scope(self, username: str | None, ids: list[int]) -> tuple[Any, list[Rotation]]:
        rotations = Rotation.objects.select_related("unit_type", "mission")
        people = Person.objects.all()
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            rotations = Rotation.objects.restrict(user, "change").select_related(
                "unit_type", "mission"
            )
            people = Person.objects.restrict(user, "view")
        found = rotations.in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise CommandError(f"No rotation (that you may change) with id {', '.join(missing)}.")
        return people, [found[pk] for pk in dict.fromkeys(ids)]

    @staticmethod
    def _weights(pairs: list[str]) -> Weights:
        values = Weights().as_dict()
        for text in pairs:
            name, value = _pair(text)
            if name not in values:
                raise CommandError(f"Unknown weight {name!r}; known: {', '.join(values)}.")
            try:
                values[name] = int(value)
            except ValueError as error:
                raise CommandError(f"Weight {name} must be a whole number.") from error
            if values[name] < 0:
                raise CommandError(f"Weight {name} cannot be negative.")
        return Weights(**values)

    def _summary(self, proposal: dict[str, Any], out: Any) -> None:
        f = proposal["figures"]
        for r in proposal["rotations"]:
            women = r["women"]
            line = (
                f"{r['name']}: {r['proposed']} of {r['open']} open positions proposed; "
                f"women {women['achieved']} of {women['needed']} needed"
            )
            if women["short"]:
                line += f" (short by {women['short']})"
            out.write(line)
        state = "proven optimal" if f["proven"] else f"gap {f['gap_percent']} %"
        out.write(
            f"Score {f['objective']:,} ({state}, {f['method']}); greedy baseline "
            f"{f['greedy_objective']:,}; {f['unfilled']} unfilled; {f['seconds']['total']} s."
        )
