from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from blueberet.home import HomeView
from core.urls import root_urlpatterns
from core.views import account, two_step

urlpatterns = [
    # Named without a namespace so that LOGIN_REDIRECT_URL = "home" works.
    path("", HomeView.as_view(), name="home"),
    *root_urlpatterns,
    path("", include("core.urls")),
    path("people/", include("people.urls")),
    path("missions/", include("missions.urls")),
    path("units/", include("units.urls")),
    path("deployments/", include("deployments.urls")),
    path("training/", include("training.urls")),
    path("planning/", include("planning.urls")),
    path("stats/", include("stats.urls")),
    path("api/", include("blueberet.api")),
    # The language switch (Django's set_language view): English or Vietnamese.
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", account.SignInView.as_view(), name="login"),
    path("login/code/", two_step.SignInCodeView.as_view(), name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("core.account_urls")),
    # One sign-in page for the whole site: the admin's own would skip the lockout page and the
    # one-time code step.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
]
