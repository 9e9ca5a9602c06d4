"""Two-step sign-in pages: the code after the password, and setting up an authenticator app."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import second_factor
from core.signin import lock_ends, lockout_message


def _locked_out(request: HttpRequest, credentials: dict) -> HttpResponse:
    """The sign-in page saying when to try again (as the password's lockout does)."""
    second_factor.forget(request)
    ends = lock_ends(request, credentials)
    context = {"form": AuthenticationForm(request), "lockout": lockout_message(ends)}
    response = render(request, "registration/login.html", context, status=429)
    response.shows_lockout = True  # type: ignore[attr-defined]
    return response


class SignInCodeView(View):
    """The second step: the code of the user whose password was right a moment ago.

    A wrong code counts as a failed sign-in of the account (django-axes), so guessing codes
    locks it like guessing passwords.
    """

    template_name = "registration/login_code.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if second_factor.pending(request) is None:
            return redirect("login")
        return render(request, self.template_name, {})

    def post(self, request: HttpRequest) -> HttpResponse:
        waiting = second_factor.pending(request)
        if waiting is None:
            messages.info(request, _("That took too long: please sign in again."))
            return redirect("login")
        user, _next = waiting
        credentials = get_credentials(user.get_username())
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request, credentials)
        device, error = second_factor.verify(user, request.POST.get("code", ""))
        if device is not None:
            return redirect(second_factor.finish(request, user, device))
        user_login_failed.send(sender=User, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        return render(request, self.template_name, {"error": error}, status=400)


class TwoStepView(LoginRequiredMixin, View):
    """Set up an authenticator app (QR code or typed secret, then a first code), or see it on."""

    template_name = "core/account_two_step.html"

    def context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        user = request.user
        device = second_factor.confirmed_device(user)
        context: dict[str, Any] = {
            "title": _("Two-step sign-in"),
            "device": device,
            "required": second_factor.must_use_totp(user),
            "verified": second_factor.session_passed_code(request),
            **extra,
        }
        if device is None:
            setting_up = second_factor.enrolment_device(user)
            context["qr_code"] = second_factor.qr_code(setting_up)
            context["secret"] = second_factor.secret_text(setting_up)
        else:
            context["codes_left"] = second_factor.recovery_codes_left(user)
        return context

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self.context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        user = request.user
        if action == "confirm" and second_factor.confirmed_device(user) is None:
            device = second_factor.enrolment_device(user)
            codes = second_factor.confirm(request, device, request.POST.get("code", ""))
            if codes is None:
                error = _("That code is not right: check the time on your phone and try again.")
                return render(
                    request, self.template_name, self.context(request, error=error), status=400
                )
            messages.success(request, _("Two-step sign-in is on."))
            return render(request, self.template_name, self.context(request, new_codes=codes))
        # Changing a device that is on needs a session that passed its code.
        if not second_factor.session_passed_code(request):
            messages.error(request, _("Sign in with your code first."))
        elif action == "recovery_codes":
            codes = second_factor.new_recovery_codes(user)
            return render(request, self.template_name, self.context(request, new_codes=codes))
        elif action == "turn_off" and not second_factor.must_use_totp(user):
            second_factor.turn_off(user)
            messages.success(request, _("Two-step sign-in is off."))
        return redirect("account:totp")
