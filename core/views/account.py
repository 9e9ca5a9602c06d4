"""Signing in and out, and a user's own account page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from core import second_factor, tokens
from core.access_log import record
from core.models import AccessKind
from core.signin import lock_ends, lockout_message


class SignInView(auth_views.LoginView):
    """Django's sign-in page, which says when to try again once the account is locked out.

    A user with an authenticator app is not signed in yet when his password is right: the
    code page (core/views/two_step.py) signs him in once the code is right too.
    """

    template_name = "registration/login.html"

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if second_factor.has_second_factor(user):
            second_factor.begin(self.request, user, self.get_success_url())
            return redirect("login_code")
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(self.request, "axes_locked_out", False):
            # Shown the same way for an unknown user name: the lock is on the name as typed.
            response.context_data["lockout"] = lockout_message(lock_ends(self.request))
            response.status_code = 429
            response.shows_lockout = True  # core.signin.lockout_response keeps this page
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """A user changes his own password; every other session and every API token ends.

    Django keeps this session (update_session_auth_hash) and ends the others, whose stored
    hash no longer matches; core.tokens revokes the tokens when the password is saved.
    """

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account:index")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Your password is changed. You were signed out everywhere else, and your API "
                "tokens were revoked."
            ),
        )
        return response


class AccountView(LoginRequiredMixin, View):
    """A user's own account: his password, his API tokens (made, listed, revoked)."""

    template_name = "core/account.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request)

    def page(self, request: HttpRequest, **extra: Any) -> HttpResponse:
        context = {
            "title": _("Your account"),
            "tokens": [
                {
                    "prefix": tokens.key_prefix(token),
                    "created": token.created,
                    "expiry": token.expiry,
                    "digest": token.digest,
                }
                for token in tokens.live_tokens(request.user)
            ],
            "token_hours": settings.API_TOKEN_TTL_HOURS,
            "two_step": second_factor.has_second_factor(request.user),
            "two_step_required": second_factor.must_use_totp(request.user),
            **extra,
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        if action == "new_token":
            return self.new_token(request)
        if action == "revoke" and tokens.revoke(request.user, request.POST.get("digest", "")):
            messages.success(request, _("The token is revoked: it no longer works."))
        elif action == "revoke_all":
            count = tokens.revoke_all(request.user.pk)
            messages.success(
                request,
                ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", count) % {"n": count},
            )
        return redirect("account:index")

    def new_token(self, request: HttpRequest) -> HttpResponse:
        if not second_factor.may_get_token(request):
            messages.error(request, _("Sign in with your one-time code to make a token."))
            return redirect("account:index")
        try:
            token, key = tokens.issue(request.user)
        except tokens.TooManyTokens:
            messages.error(
                request,
                _("You already have %(n)d tokens that have not expired: revoke some first.")
                % {"n": settings.API_TOKENS_PER_USER},
            )
            return redirect("account:index")
        # A token signs a script in for hours: logged as the API's own sign-in is.
        record(AccessKind.SIGN_IN, request, user=request.user, what="API token from a session")
        # Shown in this answer only (never put in a message, which a cookie would carry).
        return self.page(request, new_token={"key": key, "expiry": token.expiry})
