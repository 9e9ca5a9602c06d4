"""`manage.py load_demo`: Viet Nam's peacekeeping department as a demonstration."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demo.loader import AlreadyLoaded, load_demo


class Command(BaseCommand):
    help = (
        "Load a demonstration of Viet Nam's peacekeeping department: organisations, "
        "catalogues, the real rotations since 2014, invented people with their documents and "
        "training, deployments with their decisions, and one demo user per role. One "
        "transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds people or rotations (make run).",
        )
        parser.add_argument(
            "--people", type=int, default=1500, help="People on the register (default 1500)."
        )
        parser.add_argument(
            "--seed", type=int, default=2014, help="Random seed: the same seed, the same demo."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 0:
            raise CommandError("--people cannot be negative.")
        try:
            made = load_demo(
                people=options["people"],
                seed=options["seed"],
                today=timezone.localdate(),
                say=self.stdout.write,
            )
        except AlreadyLoaded as error:
            # `make run` calls this on every start: with --if-empty, a refusal is quiet.
            if options["if_empty"]:
                self.stdout.write(
                    "The database already holds people or rotations: demo not loaded."
                )
                return
            raise CommandError(
                "The database already holds people or rotations; load the demo into an empty "
                "database (or pass --if-empty to skip quietly)."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded in {seconds} s: {people} people, {rotations} rotations, "
                "{positions} positions, {deployments} deployments, {transitions} decisions, "
                "{documents} documents, {course_runs} course runs with {enrolments} enrolments, "
                "{assessments} assessments.".format(**made)
            )
        )
