"""Organisations over the REST API, and the token a script signs in with."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_base import ScopedSerializer, ScopedViewSet
from core.filtersets import OrganisationFilterSet
from core.models import Organisation


class OrganisationSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Organisation
        fields = ["id", "url", "display", "name", "short_name", "kind", "parent", "path"]
        read_only_fields = ["path"]


class OrganisationViewSet(ScopedViewSet):
    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet


TokenSerializer = inline_serializer("Token", fields={"token": serializers.CharField()})


class SignInTokenView(ObtainAuthToken):
    """POST a username and password: the answer is the user's token (made on first use)."""

    @extend_schema(responses={200: TokenSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class MyTokenView(APIView):
    """A signed-in user's own token: read it (GET), make or replace it (POST), revoke it (DELETE).

    Replacing a token is how an officer cuts off a script whose token may have leaked.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TokenSerializer, 404: None})
    def get(self, request: Request) -> Response:
        token = Token.objects.filter(user=request.user).first()
        if token is None:
            return Response(
                {"detail": _("You have no token yet: POST here to make one.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response({"token": token.key})

    @extend_schema(request=None, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
        return Response({"token": token.key}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


ROUTES = [("organisations", OrganisationViewSet)]
