"""The read replica's router (core/replica.py) and the statistics pages that read from it.

The suite has no replica: here a "replica" alias is a second connection to the test database
(a test mirror, as Django's runner would make it), added for one test. That shows which alias
each query went through; the CI step with a real streaming replica (tests_replica/) shows that
the replica is really read and refuses writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from core import roles, testing
from core.models import Membership
from core.replica import REPLICA, replica_reads
from deployments.models import Deployment, State
from stats import tallies
from stats.models import TallyState, UNReport, YearTally

NATIONAL = "/stats/national/"
REPORTS = "/stats/un/reports/"


ROUTERS = ["core.replica.ReplicaRouter"]


def second_connection(**overrides) -> BaseDatabaseWrapper:
    """A new connection named "replica", to the test database unless told otherwise."""
    primary = {**connections["default"].settings_dict, **overrides}
    settings_dict = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, REPLICA)


@contextmanager
def as_replica(wrapper: BaseDatabaseWrapper, settings, monkeypatch) -> Iterator[None]:
    # Django lets a test use a connection made on the fly, not one named in the settings that
    # the test did not ask for: the router is told directly that a replica is configured.
    settings.DATABASE_ROUTERS = ROUTERS
    monkeypatch.setattr("core.replica.replica_configured", lambda: True)
    connections[REPLICA] = wrapper
    try:
        yield
    finally:
        # BaseDatabaseWrapper.close: SQLite's own keeps an in-memory database open.
        BaseDatabaseWrapper.close(wrapper)
        del connections[REPLICA]


@pytest.fixture
def replica(db, settings, monkeypatch):
    """A second connection to the test database, named "replica" (a test mirror).

    With `transactional_db`, it reads what the test committed: like a real replica, it cannot
    see what the primary has not committed.
    """
    wrapper = second_connection()
    with as_replica(wrapper, settings, monkeypatch):
        yield wrapper


def tables(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


# --- routing decisions ----------------------------------------------------------------------


def test_without_a_replica_everything_reads_from_the_primary(db, settings):
    settings.DATABASE_ROUTERS = ROUTERS
    with replica_reads():
        assert Deployment.objects.all().db == "default"
    assert Deployment.objects.all().db == "default"


def test_reads_go_to_the_replica_only_inside_replica_reads(db, replica):
    assert Deployment.objects.all().db == "default"
    with replica_reads():
        assert Deployment.objects.all().db == REPLICA
        assert YearTally.objects.all().db == REPLICA
        assert router.db_for_write(Deployment) == "default"
    assert Deployment.objects.all().db == "default"


def test_who_may_see_what_is_always_read_from_the_primary(db, replica):
    """A revoked grant or a signed-out session counts on the next page, not after the lag."""
    with replica_reads():
        for model in (User, Membership, Session):
            assert model.objects.all().db == "default", model


def test_every_primary_only_name_is_an_installed_app_or_model_and_stays_on_the_primary(db, replica):
    from django.apps import apps

    from core.replica import PRIMARY_ONLY

    for name in PRIMARY_ONLY - {"django_cache"}:  # the cache's model is made on the fly
        if "." in name:
            models = [apps.get_model(name)]
        else:
            models = list(apps.get_app_config(name).get_models())
        assert models, name
        with replica_reads():
            for model in models:
                assert model.objects.all().db == "default", model._meta.label


def test_after_a_write_the_block_reads_from_the_primary(db, replica, mod):
    with replica_reads():
        assert TallyState.objects.all().db == REPLICA
        tallies.mark_stale([mod["hospital"].pk])  # an UPDATE on the primary
        assert TallyState.objects.all().db == "default"
    with replica_reads():  # a new block (the next request) reads from the replica again
        assert TallyState.objects.all().db == REPLICA


def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(db, replica):
    with replica_reads():
        with transaction.atomic():
            assert Deployment.objects.all().db == "default"
        assert Deployment.objects.all().db == REPLICA


def test_an_unreachable_replica_leaves_the_reads_on_the_primary(db, settings, monkeypatch, caplog):
    gone = second_connection(
        ENGINE="django.db.backends.sqlite3", NAME="/nonexistent/replica.sqlite3", OPTIONS={}
    )
    with as_replica(gone, settings, monkeypatch), replica_reads():
        assert Deployment.objects.all().db == "default"
        assert Deployment.objects.count() == 0
    assert "read replica unreachable, reading from the primary" in caplog.text


# --- the statistics pages, through a live second connection ----------------------------------


@pytest.fixture
def deployed(mod):
    """Two people of the hospital who served in UNMISS, their tallies counted."""
    org = mod["hospital"]
    rotation = testing.rotation(org, mission=testing.mission(medal_qualifying_days=90))
    slots = list(rotation.positions.all())
    for sex, slot in zip(("M", "F"), slots, strict=False):
        Deployment.objects.create(
            person=testing.person(org, sex=sex),
            position=slot,
            state=State.REPATRIATED,
            starts_on=datetime.date(2022, 1, 1),
            ends_on=datetime.date(2022, 12, 31),
            arrived_on=datetime.date(2022, 1, 10),
            returned_on=datetime.date(2022, 12, 20),
        )
    return org


def national_page(client, replica, mod):
    """The national page as a viewer sees it: (response, primary's queries, replica's)."""
    client.force_login(testing.user("viewer", roles.VIEWER, mod["department"]))
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as copy,
    ):
        response = client.get(NATIONAL)
    assert response.status_code == 200
    return response, primary, copy


def test_the_national_page_reads_its_figures_from_the_replica(
    transactional_db, client, replica, mod, deployed
):
    tallies.recount()
    response, primary, copy = national_page(client, replica, mod)
    assert response.context["deployed_total"] == 0  # both are home
    assert [(r.year, r.people) for r in response.context["dispatched"]] == [(2022, 2)]
    # The figures came from the replica; the session and the grants from the primary.
    assert '"stats_yeartally"' in tables(copy)
    assert '"deployments_deployment"' in tables(copy)
    assert "stats_yeartally" not in tables(primary)
    assert "django_session" in tables(primary)
    assert "core_membership" in tables(primary)
    assert "core_membership" not in tables(copy)
    assert not [q for q in copy.captured_queries if not q["sql"].startswith("SELECT")]


def test_stale_tallies_are_recounted_on_the_primary_and_read_from_there(
    transactional_db, client, replica, mod, deployed
):
    tallies.mark_all_stale()
    response, primary, copy = national_page(client, replica, mod)
    assert [(r.year, r.people) for r in response.context["dispatched"]] == [(2022, 2)]
    # The recount read the deployments it counts and wrote the tallies on the primary, then
    # the page read those tallies there: a lagging replica could still hold the old ones.
    assert 'UPDATE "stats_tallystate"' in tables(primary)
    assert 'INSERT INTO "stats_yeartally"' in tables(primary)
    assert '"deployments_deployment"' in tables(primary)
    assert '"stats_yeartally"' not in tables(copy)
    assert TallyState.objects.filter(organisation=deployed, current=True).exists()


def test_an_upload_on_the_reports_list_reads_and_writes_on_the_primary(
    transactional_db, client, replica
):
    from stats.tests.conftest import stats_user

    importer = stats_user("importer", "view_unreport", "import_unreport")
    client.force_login(importer)
    with CaptureQueriesContext(replica) as copy:
        listed = client.get(REPORTS)
    assert listed.status_code == 200
    assert '"stats_unreport"' in tables(copy)

    with CaptureQueriesContext(replica) as copy:
        refused = client.post(REPORTS, {})  # no file: the form says so, on the primary
    assert refused.status_code == 400
    assert copy.captured_queries == []
    assert UNReport.objects.count() == 0
