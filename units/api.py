"""Unit types with their tables, rotations and their positions over the REST API.

A rotation created here gets its positions from the unit type's table, as on the page
(units.services.generate_positions), unless `generate_positions` is false.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api_base import ScopedSerializer, ScopedViewSet, simple_filterset
from units.filtersets import RotationFilterSet, UnitTypeFilterSet
from units.forms import POSITION_FIELDS
from units.models import (
    Position,
    PositionLanguageRequirement,
    Rotation,
    UnitType,
    UnitTypeLanguageRequirement,
    UnitTypePosition,
)
from units.services import fill_new_rotation_defaults, generate_positions


class UnitTypeSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = UnitType
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "category",
            "is_individual_post",
            "description",
        ]


class UnitTypePositionSerializer(ScopedSerializer):
    # A row is added to a table the user may change, as on the unit type's page.
    related_scopes = {"unit_type": "change"}

    class Meta(ScopedSerializer.Meta):
        model = UnitTypePosition
        fields = ["id", "url", "display", "unit_type", "order", "count", *POSITION_FIELDS]


class UnitTypeLanguageSerializer(ScopedSerializer):
    related_scopes = {"position": "change"}

    class Meta(ScopedSerializer.Meta):
        model = UnitTypeLanguageRequirement
        fields = ["id", "url", "display", "position", "language", "level"]


class RotationSerializer(ScopedSerializer):
    generate_positions = serializers.BooleanField(
        write_only=True,
        default=True,
        help_text=_("On creation: one position per person of the unit type's table."),
    )
    number = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Left out: the next number of this unit type in this mission."),
    )
    target_strength = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Left out: the establishment of the unit type's table."),
    )

    class Meta(ScopedSerializer.Meta):
        model = Rotation
        fields = [
            "id",
            "url",
            "display",
            "organisation",
            "unit_type",
            "mission",
            "location",
            "number",
            "name",
            "status",
            "planned_departure",
            "planned_return",
            "actual_departure",
            "second_departure",
            "actual_return",
            "target_strength",
            "target_women_share",
            "notes",
            "generate_positions",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None:  # the rotation form's defaults, on creation only
            fill_new_rotation_defaults(attrs)
        generate = attrs.pop("generate_positions", False)
        attrs = super().validate(attrs)
        attrs["generate_positions"] = generate
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Rotation:
        generate = validated_data.pop("generate_positions", False)
        rotation = super().create(validated_data)
        if generate:
            request = self.context.get("request")
            generate_positions(rotation, by=getattr(request, "user", None))
        return rotation

    def update(self, instance: Rotation, validated_data: dict[str, Any]) -> Rotation:
        validated_data.pop("generate_positions", None)  # only on creation, as on the page
        return super().update(instance, validated_data)


class PositionSerializer(ScopedSerializer):
    # Adding a position changes its rotation: the rotation must be in the user's change scope.
    related_scopes = {"rotation": "change"}

    class Meta(ScopedSerializer.Meta):
        model = Position
        fields = ["id", "url", "display", "rotation", "number", *POSITION_FIELDS, "template"]
        read_only_fields = ["template"]


class PositionLanguageSerializer(ScopedSerializer):
    related_scopes = {"position": "change"}

    class Meta(ScopedSerializer.Meta):
        model = PositionLanguageRequirement
        fields = ["id", "url", "display", "position", "language", "level"]


class UnitTypeViewSet(ScopedViewSet):
    queryset = UnitType.objects.all()
    serializer_class = UnitTypeSerializer
    filterset_class = UnitTypeFilterSet


class UnitTypePositionViewSet(ScopedViewSet):
    queryset = UnitTypePosition.objects.all()
    serializer_class = UnitTypePositionSerializer
    filterset_class = simple_filterset(UnitTypePosition, ids=("unit_type",), search=("role",))


class UnitTypeLanguageViewSet(ScopedViewSet):
    queryset = UnitTypeLanguageRequirement.objects.select_related("language")
    serializer_class = UnitTypeLanguageSerializer
    filterset_class = simple_filterset(UnitTypeLanguageRequirement, ids=("position", "language"))


class RotationViewSet(ScopedViewSet):
    queryset = Rotation.objects.select_related("unit_type")
    serializer_class = RotationSerializer
    filterset_class = RotationFilterSet


class PositionViewSet(ScopedViewSet):
    queryset = Position.objects.all()
    serializer_class = PositionSerializer
    filterset_class = simple_filterset(Position, ids=("rotation", "specialty"), search=("role",))


class PositionLanguageViewSet(ScopedViewSet):
    queryset = PositionLanguageRequirement.objects.select_related("language")
    serializer_class = PositionLanguageSerializer
    filterset_class = simple_filterset(PositionLanguageRequirement, ids=("position", "language"))


ROUTES = [
    ("unit-types", UnitTypeViewSet),
    ("unit-type-positions", UnitTypePositionViewSet),
    ("unit-type-languages", UnitTypeLanguageViewSet),
    ("rotations", RotationViewSet),
    ("positions", PositionViewSet),
    ("position-languages", PositionLanguageViewSet),
]
