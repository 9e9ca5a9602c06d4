"""The access log: who signed in or failed to, and who read which personal data, when, from where.

A ministry's security office asks "who downloaded the nominal roll?" and "who tried to sign in
as the director last night?". The answers are written here, never by hand in each view:

- sign-ins, failures, lockouts and sign-outs from Django's and django-axes' signals;
- every file the site hands out as a download (`Content-Disposition: attachment`: list
  exports, nominal rolls, the workbook, briefings) by `AccessLogMiddleware`, so a new export
  is logged without anyone remembering to;
- pages and API reads that show personal data, marked on their view with
  `access_log = "what it shows"` (the person page; the API's people and documents).

A view says how many rows it handed out by setting `response.access_rows`. What an entry says
is stored in English, as data (like the log of a server), whatever the reader's language.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core import signin
from core.models import AccessEvent, AccessKind
from core.querysets import granted_paths

logger = logging.getLogger(__name__)

WHAT_LENGTH = AccessEvent._meta.get_field("what").max_length
PATH_LENGTH = AccessEvent._meta.get_field("path").max_length


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the sign-in lockout counts it (behind the proxy,
    the client's, not the proxy's)."""
    return (signin.client_address(request) or None) if request is not None else None


def home_organisation_id(user: Any) -> int | None:
    """The user's highest granted organisation: whose administrators read their entries.

    Read from the grants' tree paths ("/1/4/"), which the request has mostly read already to
    scope its records: no query of its own.
    """
    if user is None or not getattr(user, "pk", None):
        return None
    paths = granted_paths(user)
    if not paths:
        return None
    highest = min(paths, key=lambda path: (path.count("/"), path))
    return int(highest.rstrip("/").rsplit("/", 1)[-1])


def record(
    kind: str,
    request: HttpRequest | None = None,
    *,
    user: Any = None,
    username: str = "",
    what: str = "",
    rows: int | None = None,
    about: Any = None,
) -> AccessEvent:
    """Write one entry of the access log.

    `about` is the account a failed sign-in tried, when no one is signed in: its
    organisation's administrators read the entry."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AccessEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        what=str(what)[:WHAT_LENGTH],
        path=(request.get_full_path() if request is not None else "")[:PATH_LENGTH],
        rows=rows,
        address=client_address(request),
        organisation_id=home_organisation_id(user if user is not None else about),
    )


def purge(older_than_days: int | None = None) -> int:
    """Remove the entries older than the retention period; how many went."""
    days = older_than_days if older_than_days is not None else settings.ACCESS_LOG_RETENTION_DAYS
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _by_model = AccessEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


# --- sign-in --------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="access_log_signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(AccessKind.SIGN_IN, request, user=user)


@receiver(user_logged_out, dispatch_uid="access_log_signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AccessKind.SIGN_OUT, request, user=user)


def named_user(username: str) -> Any:
    """The account a name typed at sign-in belongs to, if any."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


@receiver(user_login_failed, dispatch_uid="access_log_sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the name typed is kept (never the password). Filed under that account's
    # organisation, so its administrators see who tries it; an unknown name under none.
    username = str(credentials.get("username", ""))
    record(AccessKind.SIGN_IN_FAILED, request, username=username, about=named_user(username))


def locked_out(sender: Any, request: HttpRequest | None, username: str, **kwargs: Any) -> None:
    username = username or ""
    record(AccessKind.LOCKED_OUT, request, username=username, about=named_user(username))


def connect_lockouts() -> None:
    """Listen to django-axes' lockout signal (called from core's AppConfig.ready)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(locked_out, dispatch_uid="access_log_locked_out")


# --- reads of personal data -----------------------------------------------------------------


def view_label(request: HttpRequest) -> str | None:
    """What the view that answered says it shows (its `access_log` attribute), if anything."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    func = match.func
    view_class = getattr(func, "view_class", None) or getattr(func, "cls", None)
    return getattr(view_class, "access_log", None) or getattr(func, "access_log", None)


def is_download(response: HttpResponse) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def download_name(response: HttpResponse) -> str:
    disposition = response.get("Content-Disposition", "")
    _before, _sep, name = disposition.partition("filename=")
    return name.strip('"') or disposition


class AccessLogMiddleware:
    """Logs every download, and every page or API read whose view is marked `access_log`.

    Only successful answers to signed-in users are logged: a refused or failed request handed
    nothing out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 200:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # The API authenticates inside the view: its user is on the DRF request.
            user = getattr(getattr(response, "renderer_context", {}).get("request"), "user", None)
            if user is None or not user.is_authenticated:
                return response
        rows = getattr(response, "access_rows", None)
        label = view_label(request)
        if is_download(response):
            what = f"{label}: {download_name(response)}" if label else download_name(response)
            record(AccessKind.DOWNLOAD, request, user=user, what=what, rows=rows)
        elif label:
            kind = AccessKind.API_READ if request.path.startswith("/api/") else AccessKind.PAGE
            record(kind, request, user=user, what=label, rows=rows)
        return response
