"""A real streaming replica, not a test mirror: run by .ci/run only, never by `make test`.

Django's test runner would point the "replica" alias at the primary's test database, which
proves nothing about routing. Here both aliases use one scratch database made on the primary,
which the replica receives through streaming replication like any other:

    DB_ENGINE=postgres DB_HOST=127.0.0.1 DB_USER=postgres DB_PASSWORD=... \\
      DB_REPLICA_HOST=127.0.0.1 DB_REPLICA_PORT=5433 python -m pytest tests_replica

(.ci/run makes the replica cluster; docs/scaling.md says how.) The folder is left out of
pyproject's testpaths on purpose.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from core.replica import REPLICA

SCRATCH = "blueberet_replica_check"

# The settings add the alias when DB_REPLICA_HOST is set; the normal suite's conftest may
# take it away (a test mirror cannot see a test's uncommitted rows): here it is wanted.
if REPLICA not in settings.DATABASES and os.environ.get("DB_REPLICA_HOST"):
    settings.DATABASES[REPLICA] = {
        **connections["default"].settings_dict,
        "HOST": os.environ["DB_REPLICA_HOST"],
        "PORT": os.environ.get("DB_REPLICA_PORT", connections["default"].settings_dict["PORT"]),
    }
CATCH_UP_SECONDS = 60


def maintenance_connection() -> psycopg.Connection:
    """The primary's maintenance database, for CREATE and DROP DATABASE (autocommit)."""
    primary = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=primary["HOST"],
        port=primary["PORT"] or 5432,
        user=primary["USER"],
        password=primary["PASSWORD"],
        autocommit=True,
    )


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wait_for_replica() -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = primary_lsn()
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while True:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not replay up to {target} in {CATCH_UP_SECONDS} s")
        time.sleep(0.05)


def replica_has_database(name: str) -> bool:
    replica = settings.DATABASES[REPLICA]
    try:
        with psycopg.connect(
            dbname=name,
            host=replica["HOST"],
            port=replica["PORT"],
            user=replica["USER"],
            password=replica["PASSWORD"],
            connect_timeout=5,
        ):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def scratch_database(django_db_blocker: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database of our own on the primary, present on the replica too."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("tests_replica needs DB_ENGINE=postgres and a streaming replica")
    if REPLICA not in settings.DATABASES:
        pytest.fail("tests_replica needs DB_REPLICA_HOST (and DB_REPLICA_PORT): see .ci/run")
    with django_db_blocker.unblock():
        with maintenance_connection() as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
            maintenance.execute(f'CREATE DATABASE "{SCRATCH}"')
        for alias in ("default", REPLICA):
            connections[alias].close()
            connections[alias].settings_dict["NAME"] = SCRATCH
        call_command("migrate", database="default", interactive=False, verbosity=0)
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while not replica_has_database(SCRATCH):
            if time.monotonic() > deadline:
                pytest.fail(f"the replica never received the database {SCRATCH}")
            time.sleep(0.2)
        wait_for_replica()
        yield SCRATCH
        for alias in ("default", REPLICA):
            connections[alias].close()
        with maintenance_connection() as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def real_databases(scratch_database: str, django_db_blocker: pytest.FixtureRequest) -> Iterator:
    """Every test here runs on the scratch database, committing as the application does."""
    with django_db_blocker.unblock():
        yield
