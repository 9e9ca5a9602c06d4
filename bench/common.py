"""What the benchmark scripts share: their environment, their databases, timing a page.

Each script is run directly (`.venv/bin/python bench/<name>.py`), so Python puts this folder
first on its path and the scripts import this module as `common`. Django is set up by each
script after `configure()`: the functions below import Django only when called.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.test import Client

    from core.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
# The scale data's database, shared by pages.py, api.py and dashboards.py (made once).
SCALE_DATABASE = ROOT / "bench" / "bench.sqlite3"
SCALE_SEED = 42


def on_postgres() -> bool:
    return os.environ.get("DB_ENGINE", "sqlite") == "postgres"


def configure(sqlite: Path | None = SCALE_DATABASE, postgres: str | None = None) -> None:
    """Set what Django reads at setup, unless the environment says otherwise: the settings,
    DEBUG off (as in production, and so that Django keeps no log of every query) and DB_NAME.

    `sqlite`: the SQLite file, or None for a fresh one in a temporary folder; `postgres`: the
    PostgreSQL database's name, or None for the settings' own default.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blueberet.settings")
    os.environ.setdefault("DEBUG", "False")
    if "DB_NAME" not in os.environ:
        if on_postgres():
            if postgres:
                os.environ["DB_NAME"] = postgres
        elif sqlite:
            os.environ["DB_NAME"] = str(sqlite)
        else:
            fresh = Path(tempfile.mkdtemp(prefix="blueberet-bench-")) / "bench.sqlite3"
            os.environ["DB_NAME"] = str(fresh)
    # WhiteNoise's note that collectstatic has not run: true, and beside the point here.
    warnings.filterwarnings("ignore", message="No directory at")


def postgres_server():  # noqa: ANN201 - a psycopg connection
    """A connection to the PostgreSQL server itself (its "postgres" database), in autocommit,
    to create and drop databases; DB_HOST, DB_PORT, DB_USER, DB_PASSWORD as for Django."""
    import psycopg

    return psycopg.connect(
        host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=os.environ.get("DB_PORT", "5432"),
        user=os.environ.get("DB_USER", "postgres"),
        password=os.environ.get("DB_PASSWORD", ""),
        dbname="postgres",
        autocommit=True,
    )


def ensure_postgres_database(*, drop: bool = False) -> None:
    """On PostgreSQL, create the database DB_NAME when it does not exist yet; with `drop`,
    drop it first, so that it starts empty. Nothing on SQLite: connecting makes the file.
    """
    if not on_postgres():
        return
    from psycopg import sql

    name = sql.Identifier(os.environ["DB_NAME"])
    with postgres_server() as connection:
        if drop:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [os.environ["DB_NAME"]]
        ).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def migrate() -> None:
    """Say which database the figures come from, then bring its tables up to date."""
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)


def scale_reader(people: int, deployments: int) -> User:
    """Migrate, generate the scale data when fewer than `people` persons are recorded (fixed
    seed, so every database holds the same data), and return the "bench" user: a viewer of
    every top organisation, made on first use.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from core import roles, testing
    from core.models import Organisation
    from people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    migrate()
    if Person.objects.count() < people:
        started = time.perf_counter()
        call_command("generate_scale_data", people=people, deployments=deployments, seed=SCALE_SEED)
        print(f"generated scale data in {time.perf_counter() - started:.0f} s")
    user = User.objects.filter(username="bench").first()
    if user is None:
        top = Organisation.objects.filter(parent=None).order_by("pk")
        user = testing.user("bench", roles.VIEWER, *top)
    return user


def time_get(client: Client, url: str, repeat: int) -> tuple[float, int]:
    """(median milliseconds, queries) of `repeat` GETs of `url`, each expected to answer 200."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(repeat):
        # The captured count is read from Django's query log, which holds at most 9,000
        # entries: emptied first, it cannot be full.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def cptm_run(
    organisation: Organisation, starts_on: datetime.date, ends_on: datetime.date, capacity: int
) -> int:
    """A run of the UN core pre-deployment training (the course the requirements name), made
    for a generated pool whose enrolments are then written directly; its id.
    """
    from planning.seed import CPTM_CODE
    from training.models import Course, CourseRun

    return CourseRun.objects.create(
        course=Course.objects.get(code=CPTM_CODE),
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        place="Hà Nội",
        capacity=capacity,
    ).pk
