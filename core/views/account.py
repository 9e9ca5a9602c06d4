"""Signing in and out, and a user's own account page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from core.signin import lock_ends, lockout_message


class SignInView(auth_views.LoginView):
    """Django's sign-in page, which says when to try again once the account is locked out."""

    template_name = "registration/login.html"

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
    success_url = reverse_lazy("home")

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
