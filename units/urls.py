from django.urls import path

from core.urls_helpers import object_urls
from units.views import nominal_roll, positions, rotations, unittypes

app_name = "units"

urlpatterns = [
    *object_urls("unit-types", "unittype", unittypes, "UnitType"),
    path(
        "unit-types/<int:parent_pk>/positions/add/",
        positions.TablePositionEditView.as_view(),
        name="unittypeposition_add",
    ),
    path(
        "table-positions/<int:pk>/edit/",
        positions.TablePositionEditView.as_view(),
        name="unittypeposition_edit",
    ),
    path(
        "table-positions/<int:pk>/delete/",
        positions.TablePositionDeleteView.as_view(),
        name="unittypeposition_delete",
    ),
    path(
        "table-positions/<int:pk>/history/",
        positions.TablePositionHistoryView.as_view(),
        name="unittypeposition_history",
    ),
    *object_urls("rotations", "rotation", rotations, "Rotation"),
    path(
        "rotations/<int:pk>/nominal-roll.<str:fmt>",
        nominal_roll.NominalRollView.as_view(),
        name="rotation_nominal_roll",
    ),
    path(
        "rotations/<int:pk>/generate-positions/",
        rotations.GeneratePositionsView.as_view(),
        name="rotation_generate_positions",
    ),
    path(
        "rotations/<int:parent_pk>/positions/add/",
        positions.PositionEditView.as_view(),
        name="position_add",
    ),
    path("positions/<int:pk>/edit/", positions.PositionEditView.as_view(), name="position_edit"),
    path(
        "positions/<int:pk>/delete/", positions.PositionDeleteView.as_view(), name="position_delete"
    ),
    path(
        "positions/<int:pk>/history/",
        positions.PositionHistoryView.as_view(),
        name="position_history",
    ),
]
