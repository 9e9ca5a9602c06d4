"""Sign-in security for administrators: lift lockouts and reset apps of the users they manage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import second_factor, signin


class SignInSecurityView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Current lockouts with an Unlock button, and authenticator apps with a Reset button (a
    lost phone), scoped to the administrator's organisations.

    Administrators hold auth.change_user; each sees and acts on only the users he manages in
    the admin (core.signin.managed_users, asked again for each action), a superuser everyone
    and locked addresses too.
    """

    permission_required = "auth.change_user"
    template_name = "core/signin_security.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request)

    def page(self, request: HttpRequest, status: int = 200) -> HttpResponse:
        context = {
            "title": _("Sign-in security"),
            "lockouts": signin.current_lockouts(request.user),
            "devices": second_factor.devices_in_scope(request.user),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        username = request.POST.get("unlock", "")
        address = request.POST.get("unlock_address", "").strip()
        lost_phone = request.POST.get("reset_two_step", "")
        if address and not signin.is_lockable_address(address):
            # Said plainly rather than "nothing to lift": the form was sent with a wrong value.
            messages.error(
                request, _("“%(address)s” is not an IP address.") % {"address": address[:60]}
            )
            return self.page(request, status=400)
        if lost_phone and second_factor.reset(request.user, lost_phone):
            messages.success(
                request,
                _("%(name)s signs in with the password alone until a new app is set up.")
                % {"name": lost_phone},
            )
        elif username and signin.unlock_account(request.user, username):
            messages.success(request, _("%(name)s may sign in again.") % {"name": username})
        elif address and signin.unlock_address(request.user, address):
            opened = _("Sign-in from %(address)s is open again.") % {"address": address}
            messages.success(request, opened)
        else:
            messages.error(
                request, _("That lockout or two-step sign-in is not one you may lift or reset.")
            )
        return redirect("account:signin_security")
