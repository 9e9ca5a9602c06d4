"""Serving for real (`manage.py serve`, `make serve`): the checks, the migrations, gunicorn.

One place says which settings a production server refuses, so that `manage.py serve` and the
WSGI entry point (blueberet/wsgi.py, for gunicorn started some other way) refuse the same
things with the same words.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connections

# Any fixed number will do, as long as every app server uses the same one: the servers of one
# installation queue on it, so that one applies the migrations and the others wait and then
# find nothing left to do. (The digits spell "BLUEBERET" on a telephone keypad.)
MIGRATION_LOCK_KEY = 258323738

# The hosts the settings default to (blueberet/settings.py): a laptop's, not a server's.
DEMO_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# Where the gunicorn configuration lives (bind, workers, threads, time-outs, logs).
GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"

# Source maps are for debugging a vendored library; they are not served.
STATIC_IGNORE = ["*.map"]


def unsafe_settings(settings: Any) -> list[str]:
    """What no production server may run with, each in a sentence that says what to set.

    Checked by blueberet/wsgi.py when gunicorn loads the application, and by `manage.py
    serve` before it starts anything.
    """
    problems = []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own refusal of an empty key
        key = ""
    if not key or key == settings.DEMO_SECRET_KEY:
        problems.append(
            "SECRET_KEY is the demo key published with Blue Beret (or unset): set SECRET_KEY "
            "in the environment to a long random value of this installation's own, e.g. the "
            "output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if settings.DEBUG:
        problems.append(
            "DEBUG is on: a server must not show tracebacks to users; unset DEBUG or set "
            "DEBUG=False."
        )
    return problems


def serve_refusals(settings: Any, allow_sqlite: bool = False) -> tuple[list[str], list[str]]:
    """Why `manage.py serve` will not start (refusals), and what it starts with (warnings)."""
    refusals = unsafe_settings(settings)
    warnings = []
    hosts = {host for host in settings.ALLOWED_HOSTS if host}
    if not hosts or hosts == set(DEMO_ALLOWED_HOSTS):
        refusals.append(
            "ALLOWED_HOSTS is unset or the demo default (127.0.0.1,localhost,testserver): set "
            "ALLOWED_HOSTS to the name(s) users type to reach this server, comma separated, "
            "e.g. ALLOWED_HOSTS=blueberet.example.org"
        )
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        if allow_sqlite:
            warnings.append(
                "Serving on SQLite (--allow-sqlite): fine for a trial on one machine; a "
                "department's server uses PostgreSQL (DB_ENGINE=postgres)."
            )
        else:
            refusals.append(
                "DB_ENGINE is not postgres: a production server keeps its data in PostgreSQL "
                "(set DB_ENGINE=postgres and DB_NAME, DB_USER, DB_PASSWORD, DB_HOST); to try "
                "the production server on SQLite on one machine, add --allow-sqlite."
            )
    return refusals, warnings


def migrate_under_lock(
    *migrate_args: str, say: Callable[[str], object] = print, **migrate_options: Any
) -> None:
    """Apply migrations; on PostgreSQL under an advisory lock held by this process.

    Several app servers started at once (an upgrade, a reboot) queue on the lock: the first
    applies the migrations, the next find nothing to do. The lock is held on a connection of
    its own, so that whatever `migrate` does with Django's connection, the lock lasts until
    the migrations are done, and ends with this process if it dies half-way. SQLite is one
    file on one machine, and its own write lock serialises writers.
    """
    migrate_options.setdefault("interactive", False)
    connection = connections["default"]
    if connection.vendor != "postgresql":
        call_command("migrate", *migrate_args, **migrate_options)
        return
    lock = connection.get_new_connection(connection.get_connection_params())
    try:
        lock.autocommit = True
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            if not cursor.fetchone()[0]:
                say("Another server is applying the migrations: waiting for it to finish.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            try:
                call_command("migrate", *migrate_args, **migrate_options)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
    finally:
        lock.close()


def collect_static(verbosity: int = 1) -> None:
    """Hashed, compressed copies of the static files in STATIC_ROOT, for WhiteNoise to serve.

    Only files changed since the last start are compressed again (core/staticfiles.py).
    """
    call_command(
        "collectstatic", interactive=False, ignore_patterns=STATIC_IGNORE, verbosity=verbosity
    )


def static_collected(settings: Any) -> bool:
    """Whether these settings serve collected, hashed files (STATIC_COLLECTED=true)."""
    return "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]


def gunicorn_command(config: Path = GUNICORN_CONFIG) -> list[str]:
    """gunicorn from this interpreter's environment (the venv), with our configuration."""
    return [sys.executable, "-m", "gunicorn", "--config", str(config), "blueberet.wsgi"]


def server_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server process: static files served collected and compressed,
    and database connections kept for a minute unless DB_CONN_MAX_AGE says otherwise (each
    gunicorn thread reuses its own; opening one a request cost 17 ms under load)."""
    base = os.environ if environ is None else environ
    return {"DB_CONN_MAX_AGE": "60", **base, "STATIC_COLLECTED": "true"}


def exec_replacing_this_process(command: Sequence[str], environ: dict[str, str]) -> None:
    """Become `command` (same process id, so systemd and a test's Popen follow gunicorn)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], list(command), environ)
