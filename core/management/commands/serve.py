"""`manage.py serve`: the production server (`make serve`; docs/deployment.md).

Refuses unsafe settings, applies the migrations under a lock shared by every app server,
collects the static files, then becomes gunicorn (deploy/gunicorn.conf.py): HOST, PORT,
WEB_WORKERS, WEB_THREADS and WEB_TIMEOUT come from the environment.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core import serving


class Command(BaseCommand):
    help = (
        "Serve Blue Beret for real: check the settings, apply migrations (under a PostgreSQL "
        "advisory lock, so several app servers may start at once), collect the static files, "
        "then run gunicorn on HOST:PORT with deploy/gunicorn.conf.py."
    )
    # The checks that matter here are ours; Django's run with `manage.py check --deploy`.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help="Serve on SQLite (a trial on one machine): a warning instead of a refusal.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refusals, warnings = serving.serve_refusals(settings, options["allow_sqlite"])
        if refusals:
            raise CommandError(
                "Blue Beret will not serve with these settings:\n"
                + "\n".join(f"  - {refusal}" for refusal in refusals)
                + "\nSee deploy/blueberet.env.example and docs/deployment.md."
            )
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        environ = serving.server_environment()
        if not serving.static_collected(settings):
            # The settings of this process were read without STATIC_COLLECTED, and storages
            # cannot change once loaded: start again, once, with it set.
            again = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "serve"]
            again.append(f"--verbosity={options['verbosity']}")
            if options["allow_sqlite"]:
                again.append("--allow-sqlite")
            serving.exec_replacing_this_process(again, environ)
        serving.migrate_under_lock(say=self.stdout.write, verbosity=options["verbosity"])
        serving.collect_static(verbosity=options["verbosity"])
        # gunicorn's workers open their own connections; none is carried over the exec.
        connections.close_all()
        serving.exec_replacing_this_process(serving.gunicorn_command(), environ)
