"""A user's own account (password, tokens, one-time codes) and administrators' sign-in security."""

from django.urls import path

from core.views import account, signin_admin, two_step

app_name = "account"

urlpatterns = [
    path("", account.AccountView.as_view(), name="index"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("two-step/", two_step.TwoStepView.as_view(), name="totp"),
    path("sign-ins/", signin_admin.SignInSecurityView.as_view(), name="signin_security"),
]
