"""Reads that may go to a streaming replica: the statistics pages, when one is configured.

A department that outgrows one database adds PostgreSQL streaming replicas (docs/scaling.md)
and names one in DB_REPLICA_HOST. Only pages that read much and tolerate a second of lag ask
for it (`reads_from_replica`); everything else, and every write, uses the primary, so a user
always sees what they have just saved on the pages where they save it.

Inside such a page, a read still goes to the primary when it must see the primary's latest
state (docs/scaling.md, "What reads go to the replica"):

- who the user is and what they may see (accounts, grants, sessions, one-time-code devices,
  lockouts, API tokens): a revoked grant takes effect on the next page, not after the lag;
- the shared cache and the task queue: a second server must see what the first just put there;
- any read inside a transaction the code opened on the primary (a recount that locks rows
  and counts must count what it locks);
- any read after the page wrote to the primary (the national page recounts stale tallies,
  then reads them: it reads its own recount, not the replica's older copy).

A page that writes on a GET (the session, the access log, a recount) writes to the primary:
the router sends every write there. When the replica cannot be reached, the page reads from
the primary and says so in the log: a lost replica slows the statistics, it does not stop them.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.http import HttpRequest

logger = logging.getLogger(__name__)

REPLICA = "replica"

# Requests whose reads may lag: a GET or HEAD only. A POST (an upload on the reports list)
# reads what it is about to change, on the primary.
SAFE_METHODS = frozenset({"GET", "HEAD"})

# Apps (and single models, "app_label.model_name") whose reads always go to the primary.
PRIMARY_ONLY = frozenset(
    {
        "auth",
        "sessions",
        "otp_totp",
        "otp_static",
        "axes",
        "knox",
        "core.membership",
        "core.roledefault",
        "core.job",
        # django-tasks-db's queue (its models' app label, not its package name).
        "django_tasks_database",
        # The DatabaseCache's model (django.core.cache.backends.db).
        "django_cache",
    }
)


@dataclass
class _ReplicaReads:
    """The state of one `replica_reads()` block."""

    # Whether the replica answered when the block began.
    available: bool = True
    # Set by the first write in the block: the reads after it go to the primary.
    wrote: bool = False


_block: contextvars.ContextVar[_ReplicaReads | None] = contextvars.ContextVar(
    "blueberet_replica_reads", default=None
)

View = TypeVar("View", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_reachable() -> bool:
    """Connect to the replica (the page's first read would anyway), or log why not.

    Give the replica a connect timeout (DATABASES["replica"]["OPTIONS"]["connect_timeout"]):
    without one, a replica whose machine is gone holds the page until TCP gives up."""
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        logger.warning("read replica unreachable, reading from the primary: %s", error)
        return False
    return True


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads go to the replica (when there is one; see the module's rules)."""
    available = replica_configured() and replica_reachable()
    token = _block.set(_ReplicaReads(available=available))
    try:
        yield
    finally:
        _block.reset(token)


def reads_from_replica(view: View) -> View:
    """Decorate a view function (`SomeView.as_view()`) whose GET and HEAD reads may lag.

    Other methods run as usual, on the primary.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def in_own_transaction(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether code opened a transaction on `alias` (a test's own wrapping one does not count:
    the application runs outside any transaction there)."""
    return any(
        not getattr(block, "_from_testcase", False) for block in connections[alias].atomic_blocks
    )


def primary_only(model: type[models.Model]) -> bool:
    return model._meta.app_label in PRIMARY_ONLY or model._meta.label_lower in PRIMARY_ONLY


class ReplicaRouter:
    """Send a read to the replica inside `replica_reads()`, everything else to the primary."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        block = _block.get()
        if (
            block is None
            or not block.available
            or block.wrote
            or primary_only(model)
            or in_own_transaction()
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        block = _block.get()
        if block is not None:
            # Django also asks here before a read meant to write (select_for_update,
            # get_or_create): from then on this block reads what it wrote.
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        # The replica holds the same rows as the primary: an object read from one may point
        # to an object of the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica copies the primary's schema through replication: never migrated itself.
        return db == DEFAULT_DB_ALIAS
