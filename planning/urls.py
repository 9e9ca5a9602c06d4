from django.urls import path

from core.urls_helpers import object_urls
from planning.views import planner, readiness, requirements

app_name = "planning"

urlpatterns = [
    path("", readiness.IndexView.as_view(), name="index"),
    *object_urls("requirements", "requirement", requirements, "Requirement"),
    path(
        "rotations/<int:pk>/readiness/",
        readiness.RotationReadinessView.as_view(),
        name="rotation_readiness",
    ),
    path(
        "people/<int:pk>/readiness/",
        readiness.PersonReadinessView.as_view(),
        name="person_readiness",
    ),
    path("expiring/", readiness.ExpiringView.as_view(), name="expiring"),
    path("rotations/<int:pk>/plan/", planner.PlanView.as_view(), name="rotation_plan"),
    path("rotations/<int:pk>/plan/<int:run>/", planner.PlanRunView.as_view(), name="plan_run"),
    path(
        "rotations/<int:pk>/plan/<int:run>/accept/",
        planner.PlanAcceptView.as_view(),
        name="plan_accept",
    ),
]
