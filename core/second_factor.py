"""Two-step sign-in: a one-time code from an authenticator app (django-otp TOTP) after the password.

- A user who has confirmed a device types its code after the password, on a second page: the
  session is signed in only once both are right (`begin` keeps who is half-way, `finish` signs
  in). Wrong codes count towards the sign-in lockout (django-axes) as wrong passwords do, and
  the device slows down guessing itself (django-otp's throttling: 1, 2, 4… seconds).
- A role listed in OTP_REQUIRED_ROLES must use it: a user holding one, with no device yet, is
  sent to enrol before anything else (`SecondFactorMiddleware`); that covers the admin site.
- Ten single-use recovery codes (otp_static) are made when a device is confirmed, for a lost
  phone; an administrator resets the device of a user he manages in the admin (then the user
  enrols again).
- An API token is issued to such a user only from a session that passed the code.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, login, logout
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import ADMINISTRATOR, role_names
from core.signin import managed_users

PENDING = "blueberet_pending_sign_in"
# How long the code page waits after the password was accepted.
PENDING_SECONDS = 5 * 60
RECOVERY_CODES = 10


def required_roles() -> set[str]:
    return set(settings.OTP_REQUIRED_ROLES)


def must_use_totp(user: Any) -> bool:
    """Whether one of the user's roles must sign in with a one-time code.

    A superuser counts as an Administrator, whatever his grants.
    """
    required = required_roles()
    if not required or not user.is_authenticated:
        return False
    names = set(role_names(user))
    if user.is_superuser:
        names.add(ADMINISTRATOR)
    return bool(names & required)


# Where a user object keeps its confirmed device once read (see confirmed_device).
_DEVICE = "_blueberet_confirmed_totp_device"


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any.

    Read once per user object (a request's user) and then answered from memory: a request asks
    it more than once (the middleware, may_get_token, the account page). Changing the devices
    here (`confirm`, `turn_off`) forgets it.
    """
    if not hasattr(user, _DEVICE):
        device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
        setattr(user, _DEVICE, device)
    return getattr(user, _DEVICE)


def has_second_factor(user: Any) -> bool:
    """Whether the user signs in with a code (has a confirmed app): `confirmed_device`'s read."""
    return confirmed_device(user) is not None


def _forget_device(*users: Any) -> None:
    for user in users:
        if hasattr(user, _DEVICE):
            delattr(user, _DEVICE)


def session_passed_code(request: Any) -> bool:
    """Whether this request's user signed in with a code in this very session (not a token)."""
    if getattr(request, "auth", None) is not None:  # a DRF request made with a token
        return False
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def may_get_token(request: Any) -> bool:
    """A user who signs in with a code gets an API token only from a session that passed it."""
    user = request.user
    if not (must_use_totp(user) or has_second_factor(user)):
        return True
    return session_passed_code(request)


# --- The sign-in's second step -----------------------------------------------------------------


def begin(request: HttpRequest, user: Any, next_url: str) -> None:
    """The password was right: remember who is half-way, for the code page."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": next_url,
    }


def pending(request: HttpRequest) -> tuple[User, str] | None:
    """(user, where to go next) while a sign-in waits for its code; None otherwise."""
    waiting = request.session.get(PENDING)
    if not waiting or time.time() - waiting["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=waiting["user"], is_active=True).first()
    return (user, waiting["next"]) if user else None


def forget(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def verify(user: Any, code: str) -> tuple[Any, str | None]:
    """(device that accepted the code, None) or (None, why not, for the user)."""
    code = "".join(code.split()).lower()
    if code.isdigit():
        device: Any = confirmed_device(user)
    else:  # a recovery code: letters and digits
        device = StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    if device is None:
        return None, _("That code is not right.")
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, why = device.verify_is_allowed()
        if not allowed:
            seconds = max(1, round((why["locked_until"] - timezone.now()).total_seconds()))
            return None, _("Too many wrong codes: wait %(n)d seconds, then try again.") % {
                "n": seconds
            }
        if device.verify_token(code):
            return device, None
    return None, _("That code is not right.")


def finish(request: HttpRequest, user: Any, device: Any) -> str:
    """Sign in for real, with the code's device in the session; where to go next."""
    waiting = request.session.get(PENDING) or {}
    forget(request)
    login(request, user, backend=waiting.get("backend"))
    otp_login(request, device)
    return waiting.get("next") or settings.LOGIN_REDIRECT_URL


# --- Enrolment -------------------------------------------------------------------------------


def enrolment_device(user: Any) -> TOTPDevice:
    """The device being set up (made once, so reloading the page keeps the same secret)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    encoded = base64.b32encode(device.bin_key).decode()
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def qr_code(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG data URI drawn here (no network)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def confirm(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with its first code; the new recovery codes, or None if wrong."""
    if not device.verify_token("".join(code.split())):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(device.user)
    _forget_device(request.user, device.user)
    otp_login(request, device)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    """Ten new single-use recovery codes (the old ones stop working); shown once."""
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def turn_off(user: Any) -> None:
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    StaticDevice.objects.filter(user_id=user.pk).delete()
    _forget_device(user)


# --- Administrators ----------------------------------------------------------------------------


def devices_in_scope(viewer: Any) -> list[TOTPDevice]:
    """Confirmed devices of the users `viewer` may reset (core.signin.managed_users)."""
    from core.admin import users_in_scope  # when asked, as core.signin.managed_users does

    devices = list(
        TOTPDevice.objects.filter(confirmed=True, user__in=users_in_scope(viewer))
        .select_related("user")
        .order_by("user__username")
    )
    users = managed_users(viewer, {device.user.username for device in devices})
    return [device for device in devices if device.user.username in users]


def reset(viewer: Any, username: str) -> bool:
    """Remove the user's device and recovery codes (a lost phone); True if there was one.

    Only for a user `viewer` manages, asked here whatever the page listed, and never his own
    (a stolen session must not be able to take the second step away from the account it is in).
    """
    if username == viewer.get_username():
        return False
    user = managed_users(viewer, [username]).get(username)
    if user is None or not has_second_factor(user):
        return False
    turn_off(user)
    return True


# --- Every request -----------------------------------------------------------------------------


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("account:totp"),
        reverse("login"),
        reverse("login_code"),
        reverse("logout"),
        reverse("set_language"),
    )


class SecondFactorMiddleware:
    """Holds a user whose role must use a code to enrolling, or to signing in with one.

    Costs no query unless OTP_REQUIRED_ROLES names a role (empty by default). A signed-in user
    of such a role who has not passed a code in this session is sent to enrol if he has no
    device yet, or signed out to sign in again with his code if he has one (a session that
    began before his device was set up elsewhere). Every page and the admin site are covered;
    the API answers 403 to such a session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = self.hold(request)
        return held if held is not None else self.get_response(request)

    def hold(self, request: HttpRequest) -> HttpResponse | None:
        if not required_roles() or BACKEND_SESSION_KEY not in request.session:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified() or not must_use_totp(user):
            return None
        if request.path in _exempt_paths():
            return None
        if request.path.startswith("/api/"):
            message = _("Your role signs in with a one-time code: set it up on your account page.")
            return JsonResponse({"detail": message}, status=403)
        if has_second_factor(user):
            logout(request)
            messages.info(request, _("Please sign in again, with your one-time code."))
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        messages.info(
            request,
            _("Your role signs in with a one-time code. Set up your authenticator app first."),
        )
        return redirect("account:totp")
