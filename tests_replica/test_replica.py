"""The statistics pages read from a real streaming replica; everything else, and every write,
goes to the primary (core/replica.py, docs/scaling.md).

Each query is seen on the connection it went through (CaptureQueriesContext on "default" and
"replica"), and the replica is a PostgreSQL hot standby that refuses any write: a write sent
there by mistake fails the page instead of passing unnoticed.
"""

from __future__ import annotations

import datetime
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import roles, sessions, testing, versions
from core.models import Organisation
from core.replica import REPLICA, replica_reads
from deployments.models import Deployment, State
from people.models import Person
from stats import tallies
from tests_replica.conftest import wait_for_replica

D = datetime.date
_names = itertools.count(1)


@contextmanager
def captured() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    """The queries of the block, per connection: (primary, replica)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield primary, replica


def sql(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "TRUNCATE")


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


@contextmanager
def replay_paused() -> Iterator[None]:
    """The replica stops applying the primary's changes: it lags, for as long as the block."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def department() -> Organisation:
    n = next(_names)
    ministry = testing.organisation(f"Ministry {n}", short_name=f"M{n}")
    return testing.organisation(f"Hospital {n}", ministry, short_name=f"H{n}", kind="department")


@pytest.fixture
def officer(department: Organisation) -> Client:
    """A signed-in personnel officer of the department (one grant), as a browser."""
    user = testing.user(f"officer{next(_names)}", roles.PERSONNEL_OFFICER, department)
    client = Client()
    client.force_login(user)
    return client


def back_after_a_while(client: Client) -> None:
    """The user's last page was over a minute ago: this one records the activity (a write
    of the session, core/sessions.py)."""
    session = client.session
    session[sessions.LAST_SEEN] = time.time() - sessions.WRITE_INTERVAL - 1
    session.save()


def deploy(department: Organisation, sex: str = "M", **dates: datetime.date) -> Deployment:
    rotation = testing.rotation(department, number=next(_names))
    return Deployment.objects.create(
        person=testing.person(department, sex=sex),
        position=rotation.positions.first(),
        state=State.REPATRIATED if "returned_on" in dates else State.DEPLOYED,
        starts_on=D(2022, 4, 27),
        ends_on=D(2023, 7, 9) if "returned_on" in dates else D(2099, 12, 31),
        arrived_on=dates.get("arrived_on", D(2022, 5, 1)),
        returned_on=dates.get("returned_on"),
    )


def test_the_replica_is_a_hot_standby_that_refuses_writes() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False
    with pytest.raises(DatabaseError, match="read-only transaction"):
        Organisation.objects.using(REPLICA).create(name="Written to the replica")
    with pytest.raises(DatabaseError, match="read-only transaction"):
        with transaction.atomic(using=REPLICA):
            Organisation.objects.using(REPLICA).select_for_update().filter(pk=1).exists()


def test_the_national_page_reads_its_figures_from_the_replica(
    officer: Client, department: Organisation
) -> None:
    deploy(department, "F", returned_on=D(2023, 6, 30))
    deploy(department, "M", returned_on=D(2023, 6, 30))
    deploy(department, "M")  # still out there
    tallies.recount()
    back_after_a_while(officer)
    wait_for_replica()

    with captured() as (primary, replica):
        response = officer.get("/stats/national/")
    assert response.status_code == 200
    assert response.context["deployed_total"] == 1
    assert [(r.year, r.people) for r in response.context["dispatched"]] == [(2022, 3)]
    # The figures: deployments and tallies, read from the replica, which wrote nothing.
    for table in ("deployments_deployment", "stats_yeartally", "stats_monthtally"):
        assert f'"{table}"' in sql(replica), table
        assert f'"{table}"' not in sql(primary), table
    assert writes(replica) == []
    # Who the user is and may see, and the session, on the primary.
    for table in ("django_session", "auth_user", "core_membership"):
        assert f'"{table}"' in sql(primary), table
        assert f'"{table}"' not in sql(replica), table
    assert any('UPDATE "django_session"' in q for q in writes(primary))


def test_a_download_of_the_national_figures_is_logged_on_the_primary(
    officer: Client, department: Organisation
) -> None:
    deploy(department, "F", returned_on=D(2023, 6, 30))
    tallies.recount()
    wait_for_replica()

    with captured() as (primary, replica):
        response = officer.get("/stats/national/?export=dispatched")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert '"stats_yeartally"' in sql(replica)
    assert any('INSERT INTO "core_accessevent"' in q for q in writes(primary))
    assert writes(replica) == []


def test_the_rotations_timeline_reads_from_the_replica(
    officer: Client, department: Organisation
) -> None:
    deploy(department)
    wait_for_replica()

    with captured() as (primary, replica):
        response = officer.get("/stats/rotations/")
    assert response.status_code == 200
    assert '"units_rotation"' in sql(replica)
    assert '"units_rotation"' not in sql(primary)
    assert writes(replica) == []


def test_a_lagging_replica_shows_the_figures_as_they_were_then_the_recount(
    officer: Client, department: Organisation
) -> None:
    """What a user sees while the replica lags: the previous figures, never an error; once
    it catches up, the page recounts on the primary and reads that recount there."""
    deploy(department, "F", returned_on=D(2023, 6, 30))
    tallies.recount()
    wait_for_replica()

    with replay_paused():
        deploy(department, "M", returned_on=D(2023, 6, 30))  # marks the tallies stale
        lagging = officer.get("/stats/national/")
    assert lagging.status_code == 200
    assert [(r.year, r.people) for r in lagging.context["dispatched"]] == [(2022, 1)]

    wait_for_replica()
    with captured() as (primary, replica):
        caught_up = officer.get("/stats/national/")
    assert caught_up.status_code == 200
    assert [(r.year, r.people) for r in caught_up.context["dispatched"]] == [(2022, 2)]
    # The replica said "stale"; the recount locked, counted and wrote on the primary, and the
    # page then read the new tallies there (the replica may not have them yet).
    assert '"stats_tallystate"' in sql(replica)
    assert "FOR UPDATE" in sql(primary)
    assert '"deployments_deployment"' in sql(primary)
    assert any('INSERT INTO "stats_yeartally"' in q for q in writes(primary))
    assert writes(replica) == []


def test_a_person_page_and_an_edit_use_the_primary_only(
    officer: Client, department: Organisation
) -> None:
    person = testing.person(department, full_name="Trần Thị Mai", sex="F")
    wait_for_replica()

    with captured() as (primary, replica):
        page = officer.get(f"/people/{person.pk}/")
        edit = officer.post(
            f"/people/{person.pk}/edit/",
            {
                "organisation": department.pk,
                "service_number": person.service_number,
                "full_name": "Trần Thị Mai Anh",
                "sex": "F",
                "date_of_birth": "1990-05-17",
                "service": "army",
                "service_start": "2010-09-01",
                **versions.form_fields(person),
            },
        )
    assert page.status_code == 200
    assert edit.status_code == 302, edit.content.decode()[:2000]
    assert Person.objects.get(pk=person.pk).full_name == "Trần Thị Mai Anh"
    assert replica.captured_queries == []
    assert any('UPDATE "people_person"' in q for q in writes(primary))
    assert any('INSERT INTO "core_accessevent"' in q for q in writes(primary))


def test_records_read_from_the_replica_follow_their_relations_and_save_to_the_primary(
    department: Organisation,
) -> None:
    deployment = deploy(department)
    wait_for_replica()

    with replica_reads(), captured() as (primary, replica):
        copy = Deployment.objects.get(pk=deployment.pk)
        person = copy.person  # a foreign key, followed on the replica
        rotation = copy.position.rotation
    assert copy._state.db == REPLICA
    assert person._state.db == REPLICA and rotation._state.db == REPLICA
    assert '"people_person"' in sql(replica) and primary.captured_queries == []

    # Outside the block a record read from the replica is saved, and related, on the primary.
    copy.ends_on = D(2023, 8, 1)
    copy.save()
    assert copy._state.db == "default"
    again = deploy(department)
    again.person = person
    again.save()
    assert Deployment.objects.get(pk=again.pk).person_id == person.pk
    assert Deployment.objects.get(pk=deployment.pk).ends_on == D(2023, 8, 1)


def test_when_the_replica_is_down_the_statistics_read_from_the_primary(
    officer: Client, department: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    deploy(department, "F", returned_on=D(2023, 6, 30))
    tallies.recount()
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            response = officer.get("/stats/national/")
    finally:
        replica.settings_dict["PORT"] = port
    assert response.status_code == 200
    assert [(r.year, r.people) for r in response.context["dispatched"]] == [(2022, 1)]
    assert '"stats_yeartally"' in sql(primary)
    assert "read replica unreachable, reading from the primary" in caplog.text
