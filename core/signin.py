"""Lockout after repeated failed sign-ins, on django-axes (settings: SIGNIN_*, AXES_*).

django-axes counts each failure in the database (AccessAttempt rows, one per user name, address
and browser) and refuses sign-in, before the password is checked, once a count reaches its
limit within the cool-off period. Two counts apply: the account's (from any address) and the
address's (for any account). axes compares every count with one limit; `LockoutHandler` scales
the address's count to the account's limit, so that each has a limit of its own.

An unknown user name is counted and locked exactly like a real one: neither the message nor
the timing of the answer tells whether an account exists.

Administrators list and lift lockouts on the sign-in security page (core/views/signin_admin.py),
for the users they manage in the admin (`managed_users`); `manage.py axes_reset_username NAME`
does it on the server.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    """AXES_FAILURE_LIMIT: the account's limit (the address's is scaled to it)."""
    return settings.SIGNIN_FAILURES_PER_ACCOUNT


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: how long failures count, and so how long a lockout lasts."""
    return datetime.timedelta(minutes=settings.SIGNIN_COOLOFF_MINUTES)


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address that failures are counted against.

    Behind the TLS proxy, REMOTE_ADDR is the proxy's: counting it would lock out everyone at
    once. Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    the entry that many places from the end; entries before it were written by the client
    itself and are never trusted.
    """
    proxies = settings.SIGNIN_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _limit_for(parameters: dict[str, Any]) -> int:
    if set(parameters) == {"ip_address"}:
        return settings.SIGNIN_FAILURES_PER_ADDRESS
    return settings.SIGNIN_FAILURES_PER_ACCOUNT


def _counted(request: HttpRequest, credentials: dict | None) -> Iterator[tuple[int, QuerySet]]:
    """(limit, failures still counted) for the account, then for the address."""
    AxesProxyHandler.update_request(request)
    username = get_client_username(request, credentials)
    since = get_cool_off_threshold(request)
    for parameters in get_client_parameters(
        username, request.axes_ip_address, request.axes_user_agent, request, credentials
    ):
        yield (
            _limit_for(parameters),
            AccessAttempt.objects.filter(**parameters, attempt_time__gte=since),
        )


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with a limit per account and a higher one per address."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # axes locks when this reaches AXES_FAILURE_LIMIT (the account's limit): the address's
        # count is scaled so that it reaches that exactly at the address's own limit.
        account_limit = settings.SIGNIN_FAILURES_PER_ACCOUNT
        worst = 0
        for limit, attempts in _counted(request, credentials):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * account_limit // limit)
        return worst

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        clear_account_failures(user.get_username())


def clear_account_failures(username: str) -> None:
    """A successful sign-in clears the account's failures (the address's others stay)."""
    AccessAttempt.objects.filter(username=username).delete()


def _lock_end(rows: list[tuple[datetime.datetime, int]], limit: int) -> datetime.datetime | None:
    """When failures (newest first) stop reaching `limit` as the oldest ones expire."""
    total = 0
    for when, failures in rows:
        total += failures
        if total >= limit:
            return when + cool_off()
    return None


def lock_ends(request: HttpRequest, credentials: dict | None = None) -> datetime.datetime | None:
    """When sign-in opens again for this user name from this address; None if it is open."""
    ends: datetime.datetime | None = None
    for limit, attempts in _counted(request, credentials):
        rows = list(
            attempts.order_by("-attempt_time").values_list("attempt_time", "failures_since_start")
        )
        end = _lock_end(rows, limit)
        if end is not None and (ends is None or end > ends):
            ends = end
    return ends


def lockout_message(ends: datetime.datetime | None) -> str:
    """What a locked-out user reads: when to try again, and nothing about the account."""
    if ends is None:  # a lock that ended while the request ran: say the same, without a time
        return _("Too many failed sign-ins. Please try again later.")
    now = timezone.now()
    local = timezone.localtime(ends)
    when = formats.time_format(local, "TIME_FORMAT")
    if local.date() != timezone.localdate(now):
        when = f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {when}"
    minutes = max(1, math.ceil((ends - now).total_seconds() / 60))
    waiting = ngettext("in %(n)d minute", "in %(n)d minutes", minutes) % {"n": minutes}
    return _(
        "Too many failed sign-ins from this account or this address. "
        "Try again after %(when)s (%(waiting)s), or ask an administrator to unlock the account."
    ) % {"when": when, "waiting": waiting}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page saying when to try again (status 429).

    Our sign-in views show the lockout themselves (and mark their answer): theirs is kept.
    """
    if getattr(original_response, "shows_lockout", False):
        return original_response  # type: ignore[return-value]
    from django.contrib.auth.forms import AuthenticationForm

    context = {"form": AuthenticationForm(request), "lockout": lockout_message(lock_ends(request))}
    return render(request, "registration/login.html", context, status=429)


# --- The administrators' view of lockouts ----------------------------------------------------


def managed_users(viewer: Any, usernames: Iterable[str]) -> dict[str, User]:
    """Of the users named, those `viewer` may unlock or reset here, by user name.

    The admin's one definition decides, never a second one of ours: the user lies in
    core.admin_scope.users_in_scope (every grant of theirs where the viewer may view users) and
    core.admin.may_manage lets the viewer change them (every grant one the viewer could have
    given; never a superuser, for a non-superuser). A superuser manages everyone.
    """
    # Imported when asked, not with this module: it is imported from CoreConfig.ready and
    # through django-axes' settings, and importing core.admin registers the admin's models.
    from core.admin import may_manage, users_in_scope

    named = users_in_scope(viewer).filter(username__in=list(usernames))
    return {user.username: user for user in named if may_manage(viewer, user)}


@dataclass(frozen=True)
class Lockout:
    """One current lockout: an account (`username`) or an address (`address`)."""

    failures: int
    ends: datetime.datetime
    username: str = ""
    address: str = ""
    user: User | None = None


def current_lockouts(viewer: Any) -> list[Lockout]:
    """The accounts (and, for a superuser, addresses) locked out now that `viewer` may unlock.

    Only the failures within the cool-off period are read (a few rows), grouped here.
    """
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())
        .order_by("-attempt_time")
        .values_list("username", "ip_address", "attempt_time", "failures_since_start")
    )
    by_name: dict[str, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    by_address: dict[str, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    for username, address, when, failures in rows:
        by_name[username or ""].append((when, failures))
        by_address[address or ""].append((when, failures))
    locked_names = {
        name: end
        for name, failures in by_name.items()
        if (end := _lock_end(failures, settings.SIGNIN_FAILURES_PER_ACCOUNT)) is not None
    }
    users = managed_users(viewer, locked_names)
    lockouts = [
        Lockout(
            failures=sum(f for _when, f in by_name[name]),
            ends=end,
            username=name,
            user=users.get(name),
        )
        for name, end in locked_names.items()
        # Unknown user names are someone guessing: only a superuser needs to see them.
        if name in users or viewer.is_superuser
    ]
    if viewer.is_superuser:
        # An address's lock stops everyone behind it, whatever their organisation.
        for address, failures in by_address.items():
            end = _lock_end(failures, settings.SIGNIN_FAILURES_PER_ADDRESS)
            if end is not None:
                total = sum(f for _when, f in failures)
                lockouts.append(Lockout(failures=total, ends=end, address=address))
    return sorted(lockouts, key=lambda lock: (lock.address, lock.username))


def unlock_account(viewer: Any, username: str) -> bool:
    """Lift the lock on `username` if `viewer` manages it; True if there was one to lift.

    Asked again here, whatever the page listed: a forged form names anyone. Deletes the
    account's failures (axes' reset), which also lowers its address's count. A superuser also
    unlocks a user name that belongs to nobody (someone guessing).
    """
    if not viewer.is_superuser and username not in managed_users(viewer, [username]):
        return False
    return AxesProxyHandler.reset_attempts(username=username) > 0


def is_lockable_address(value: str) -> bool:
    """Whether `value` is an address as lockouts store it: an IP address, without an IPv6 zone.

    Anything else would reach PostgreSQL's inet column, which refuses it (a DataError, a 500);
    Python takes "fe80::1%eth0" as an address, the column does not.
    """
    from core.filtersets import is_address  # when asked, as managed_users does

    return is_address(value) and "%" not in value


def unlock_address(viewer: Any, address: str) -> bool:
    """Lift the lock on an address (superusers only); True if there was one to lift.

    Anything but an address (`is_lockable_address`) lifts nothing; the page says so first.
    """
    if not viewer.is_superuser or not is_lockable_address(address):
        return False
    return AccessAttempt.objects.filter(ip_address=address).delete()[0] > 0


# Third-party admin pages that would list every organisation's tokens and devices to any staff
# user holding the model permission: tokens are managed on the account page, lockouts and
# devices on the scoped sign-in security page instead. (axes' are off: AXES_ENABLE_ADMIN.)
THIRD_PARTY_ADMINS = ("knox.AuthToken", "otp_totp.TOTPDevice", "otp_static.StaticDevice")


def hide_third_party_admins() -> None:
    """Unregister THIRD_PARTY_ADMINS (called from CoreConfig.ready, after the admin's discovery)."""
    from django.apps import apps
    from django.contrib import admin

    for label in THIRD_PARTY_ADMINS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if admin.site.is_registered(model):
            admin.site.unregister(model)
