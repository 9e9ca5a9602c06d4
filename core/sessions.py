"""How long a signed-in session lasts: an idle timeout and an absolute lifetime.

A browser left signed in on a shared office computer must not stay a way into the register:
after SESSION_IDLE_TIMEOUT seconds without a request the session ends, and after
SESSION_COOKIE_AGE seconds it ends whatever happened (Django's own expiry moves forward each
time the session is saved, so the absolute limit is kept here, from the time of signing in).
The user lands on the sign-in page with a message saying why.

A session is written at most once a minute to record activity (not on every request, as
SESSION_SAVE_EVERY_REQUEST would), so the idle timeout is kept to within about a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SIGNED_IN_AT = "blueberet_signed_in_at"
LAST_SEEN = "blueberet_last_seen"
# Activity is recorded at most this often (seconds): one session write a minute at most.
WRITE_INTERVAL = 60


@receiver(user_logged_in, dispatch_uid="blueberet_session_clock")
def start_the_clock(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A new session starts its idle and absolute clocks (a sign-in for an API token has none)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        now = time.time()
        session[SIGNED_IN_AT] = now
        session[LAST_SEEN] = now


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def expiry_reason(session: Any, now: float) -> str | None:
    """Why this session must end now (a sentence for the sign-in page), or None."""
    idle = settings.SESSION_IDLE_TIMEOUT
    seen = session.get(LAST_SEEN)
    if seen is not None and now - seen > idle:
        return _("You were signed out after %(duration)s without activity.") % {
            "duration": _duration(idle)
        }
    lifetime = settings.SESSION_COOKIE_AGE
    started = session.get(SIGNED_IN_AT)
    if started is not None and now - started > lifetime:
        return _("You were signed out: a session lasts at most %(duration)s.") % {
            "duration": _duration(lifetime)
        }
    return None


class SessionTimeoutMiddleware:
    """Signs out a session idle too long or older than its lifetime; records activity.

    The request then goes on as an anonymous one: a page sends the user to the sign-in page
    (where the message says why), the API answers as to anyone without credentials.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            reason = expiry_reason(session, now)
            if reason:
                logout(request)
                messages.info(request, reason)
            elif session.get(SIGNED_IN_AT) is None:  # a session from before this release
                session[SIGNED_IN_AT] = now
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], *args: Any) -> None:
        """Record activity, unless the view is one a page polls by itself (`passive = True`
        on the view class: a job's progress), which a person at the desk did not ask for."""
        view_class = getattr(view_func, "view_class", view_func)
        if getattr(view_class, "passive", False):
            return
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return
        now = time.time()
        seen = session.get(LAST_SEEN)
        if seen is None or now - seen >= WRITE_INTERVAL:
            session[LAST_SEEN] = now
