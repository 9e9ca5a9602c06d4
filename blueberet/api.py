"""The REST API's URLs: one router over every app's view sets, the schema and its documentation.

Each app's api.py lists its `ROUTES` (URL prefix, view set); a route's name is its model's
(`api:person-list`, `api:person-detail`), which the serializers' `url` fields reverse.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from core import api as core_api
from deployments import api as deployments_api
from missions import api as missions_api
from people import api as people_api
from planning import api as planning_api
from training import api as training_api
from units import api as units_api

app_name = "api"


class Router(DefaultRouter):
    # No ".json" twins of every URL: the Accept header or ?format= chooses the format.
    include_format_suffixes = False


router = Router()
for module in (
    core_api,
    people_api,
    missions_api,
    units_api,
    deployments_api,
    training_api,
    planning_api,
):
    for prefix, viewset in module.ROUTES:
        router.register(prefix, viewset, basename=viewset.queryset.model._meta.model_name)

urlpatterns = [
    path("", include(router.urls)),
    path("token/", core_api.SignInTokenView.as_view(), name="token"),
    path("me/token/", core_api.MyTokenView.as_view(), name="my-token"),
    path("me/token/current/", core_api.MyCurrentTokenView.as_view(), name="my-current-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation page is for people: signed in through the usual login page. (No ReDoc:
    # its page loads fonts from the internet, which a closed network cannot reach.)
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
