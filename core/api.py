"""Organisations over the REST API, and the token a script signs in with."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_credentials
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_base import ScopedSerializer, ScopedViewSet
from core.filtersets import OrganisationFilterSet
from core.models import Organisation
from core.signin import clear_account_failures, lock_ends, lockout_message


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


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("User name"))
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False
    )


class SignInTokenView(APIView):
    """POST a username and password: the answer is the user's token.

    The failures count towards the same lockout as the sign-in page's (django-axes): a locked
    account or address is answered 429 with the time to try again, whatever the password.
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    serializer_class = SignInSerializer

    @extend_schema(request=SignInSerializer, responses={200: TokenSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = SignInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        username = given.validated_data["username"]
        # axes counts the failure, and refuses a locked-out client, only when it gets the request.
        user = authenticate(
            request=request, username=username, password=given.validated_data["password"]
        )
        if user is None:
            if getattr(request, "axes_locked_out", False):
                ends = lock_ends(request, get_credentials(username))
                wait = (ends - timezone.now()).total_seconds() if ends else None
                raise exceptions.Throttled(wait=wait, detail=lockout_message(ends))
            refused = _("Unable to sign in with the user name and password given.")
            raise exceptions.ValidationError({"non_field_errors": [refused]})
        clear_account_failures(user.get_username())
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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
