"""A user's own account (password, tokens, one-time codes) and administrators' sign-in security."""

from django.urls import path

from core.views import signin_admin

app_name = "account"

urlpatterns = [
    path("sign-ins/", signin_admin.SignInSecurityView.as_view(), name="signin_security"),
]
