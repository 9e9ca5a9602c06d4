"""`manage.py generate_scale_data`: a large organisation for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from demo.scale import ScaleError, ScaleGenerator
from stats import tallies


class Command(BaseCommand):
    help = (
        "Add a large invented organisation ('Scale Test Ministry N', beside whatever exists) "
        "with that many people (one passport, one medical clearance, one language each) and "
        "that many deployments across rotations from 1990 to today, no person in two "
        "overlapping deployments. Fixed seed: the same numbers and seed give the same data. "
        "Inserted in bulk batches WITHOUT audit history (scale data is for measuring, not "
        "auditing), in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=100_000, help="Default 100000.")
        parser.add_argument("--deployments", type=int, default=500_000, help="Default 500000.")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")

    def handle(self, *args: Any, **options: Any) -> None:
        people, deployments = options["people"], options["deployments"]
        if people < 1 or deployments < 0:
            raise CommandError("--people must be at least 1 and --deployments at least 0.")
        progress = self.stdout.isatty()

        def say(line: str) -> None:
            # One progress line, rewritten in place on a terminal; plain lines in a log.
            if progress:
                self.stdout.write(f"\r{line}\033[K", ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        try:
            generator = ScaleGenerator(
                people, deployments, options["seed"], timezone.localdate(), say
            )
            made = generator.run()
        except ScaleError as error:
            raise CommandError(str(error)) from error
        if progress:
            self.stdout.write("")
        # Inserted without signals: the national figures' tallies are counted once, here.
        started = time.perf_counter()
        tallies.recount()
        seconds = time.perf_counter() - started
        self.stdout.write(f"National figures' tallies counted in {seconds:.1f} s.")
        # Fresh statistics, or the query planner plans the first page loads for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                "Made {people:,} people, {rotations:,} rotations, {positions:,} positions and "
                "{deployments:,} deployments in {seconds} s.".format(**made)
            )
        )
