"""`manage.py serve`: the refusals, the migrations under a lock, and gunicorn really serving."""

from __future__ import annotations

import gzip
import importlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import brotli
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from core import serving

ROOT = Path(django_settings.BASE_DIR)
A_KEY = "a-long-random-value-of-this-installation-0123456789-abcdefghijklmnop"
POSTGRES = "django.db.backends.postgresql"
# Under this the test's server must be up; the machines are small and shared.
START_SECONDS = 90


@pytest.fixture
def production():
    """Settings a real server starts with (on PostgreSQL)."""
    return SimpleNamespace(
        SECRET_KEY=A_KEY,
        DEMO_SECRET_KEY=django_settings.DEMO_SECRET_KEY,
        DEBUG=False,
        ALLOWED_HOSTS=["blueberet.example.org"],
        DATABASES={"default": {"ENGINE": POSTGRES}},
    )


def test_serve_refuses_the_demo_settings_naming_each_one():
    with pytest.raises(CommandError) as refused:
        call_command("serve")
    message = str(refused.value)
    assert "SECRET_KEY is the demo key" in message
    assert "ALLOWED_HOSTS is unset or the demo default" in message
    if connection.vendor != "postgresql":
        assert "DB_ENGINE is not postgres" in message


def test_serve_refuses_debug(production):
    production.DEBUG = True
    refusals, _ = serving.serve_refusals(production)
    assert len(refusals) == 1 and refusals[0].startswith("DEBUG is on")


def test_serve_refuses_an_empty_key_and_empty_hosts(production):
    production.SECRET_KEY = ""
    production.ALLOWED_HOSTS = [""]
    refusals, _ = serving.serve_refusals(production)
    assert [r.split(" ")[0] for r in refusals] == ["SECRET_KEY", "ALLOWED_HOSTS"]


def test_serve_refuses_sqlite_unless_allowed_and_then_warns(production):
    production.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
    refusals, warnings = serving.serve_refusals(production)
    assert refusals == [refusals[0]] and "DB_ENGINE is not postgres" in refusals[0]
    assert "--allow-sqlite" in refusals[0] and warnings == []
    refusals, warnings = serving.serve_refusals(production, allow_sqlite=True)
    assert refusals == [] and "SQLite" in warnings[0]


def test_serve_accepts_a_real_servers_settings(production):
    assert serving.serve_refusals(production) == ([], [])


def test_the_wsgi_entry_point_refuses_with_the_same_words():
    # The demo settings of the tests: key and hosts are the demo's.
    with pytest.raises(ImproperlyConfigured) as refused:
        importlib.import_module("blueberet.wsgi")
    assert str(refused.value) == "\n".join(serving.unsafe_settings(django_settings))


# --- Migrations on start --------------------------------------------------------------------


def migrate_in_a_process(environ: dict[str, str]) -> subprocess.Popen:
    """One app server's start, as far as the migrations of `core` and what it needs (enough to
    collide on django_migrations and the first tables if two ran at once unlocked)."""
    code = (
        "import django; django.setup(); from core.serving import migrate_under_lock; "
        "migrate_under_lock('core')"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "blueberet.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def waiting_on_the_lock(admin) -> int:
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s "
            "AND NOT granted",
            [serving.MIGRATION_LOCK_KEY],
        )
        return cursor.fetchone()[0]


def test_servers_starting_at_once_migrate_once_and_all_start(tmp_path):
    if connection.settings_dict["ENGINE"] != POSTGRES:
        # SQLite: one machine, one file; migrating needs no lock, and works on a new file.
        database = tmp_path / "new.sqlite3"
        started = migrate_in_a_process({**os.environ, "DB_NAME": str(database)})
        output, _ = started.communicate(timeout=120)
        assert started.returncode == 0, output
        assert "Applying contenttypes.0001_initial... OK" in output
        with sqlite3.connect(database) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert {"django_content_type", "core_organisation"} <= tables
        return
    # PostgreSQL: two servers of one new database. The test holds the lock first, so that both
    # are surely waiting on it at once; then lets them go.
    params = connection.get_connection_params()
    admin = connection.get_new_connection({**params, "dbname": "postgres"})
    admin.autocommit = True
    name = f"blueberet_lock_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    servers = []
    # Advisory locks belong to one database: the test takes it in the new one.
    holder = connection.get_new_connection({**params, "dbname": name})
    holder.autocommit = True
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [serving.MIGRATION_LOCK_KEY])
        environ = {**os.environ, "DB_NAME": name}
        servers = [migrate_in_a_process(environ) for _ in range(2)]
        deadline = time.monotonic() + 60
        while waiting_on_the_lock(admin) < 2:
            assert time.monotonic() < deadline, "the two servers never waited on the lock"
            for server in servers:
                if server.poll() is not None:
                    pytest.fail(f"a server did not wait on the lock:\n{server.stdout.read()}")
            time.sleep(0.1)
        holder.close()  # lets them go
        outputs = [s.communicate(timeout=120)[0] for s in servers]
        for server, output in zip(servers, outputs, strict=True):
            assert server.returncode == 0, output
            assert "Another server is applying the migrations: waiting" in output
        applied = ["Applying contenttypes.0001_initial... OK" in output for output in outputs]
        assert sorted(applied) == [False, True], outputs
        assert any("No migrations to apply." in output for output in outputs)
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
        holder.close()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# --- gunicorn, really -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.headers, response.read()


def database_for_a_server(tmp_path: Path) -> str:
    """The test database's name, for the server process; SQLite's (in memory) copied to a file."""
    if connection.vendor != "sqlite":
        return connection.settings_dict["NAME"]
    copy = tmp_path / "served.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    return str(copy)


@pytest.mark.django_db(transaction=True)
def test_serve_runs_gunicorn_with_compressed_long_cached_static_files(tmp_path):
    port = free_port()
    environ = {
        **os.environ,
        "DB_NAME": database_for_a_server(tmp_path),
        "SECRET_KEY": A_KEY,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
        # No connection kept past a request: the test database is dropped right after, and
        # PostgreSQL refuses while a stopped worker's session is still closing.
        "DB_CONN_MAX_AGE": "0",
    }
    environ.pop("STATIC_COLLECTED", None)  # serve sets it for the server itself
    command = [sys.executable, "manage.py", "serve", "--verbosity=0"]
    if connection.vendor == "sqlite":
        command.append("--allow-sqlite")
    log = tmp_path / "serve.log"
    with open(log, "w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert server.poll() is None, f"serve stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"not serving:\n{log.read_text()}"
            try:
                status, headers, body = fetch(f"{base}/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200
        assert headers["Server"].startswith("gunicorn")
        stylesheet = re.search(rb'href="(/static/blueberet/blueberet\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet, "the page does not link the hashed style sheet"
        status, headers, css = fetch(
            base + stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip, br"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "br"
        assert b".bb-navbar" in brotli.decompress(css)
        assert "immutable" in headers["Cache-Control"]
        assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 31536000
        _, headers, css = fetch(base + stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip"
        assert b".bb-navbar" in gzip.decompress(css)
        # The access log says what was asked, the answer and how long it took.
        assert re.search(r'"GET /login/ HTTP/1.1" 200 \d+ \d+ms', log.read_text())
    finally:
        server.terminate()  # gunicorn's master itself: serve became it
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
