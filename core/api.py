"""Organisations over the REST API, and the tokens scripts sign in with (core/tokens.py)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_credentials
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import second_factor, tokens
from core.access_log import record
from core.api_base import ScopedSerializer, ScopedViewSet
from core.filtersets import OrganisationFilterSet
from core.models import AccessKind, Organisation
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


TokenSerializer = inline_serializer(
    "Token", fields={"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)
TokenInfoSerializer = inline_serializer(
    "TokenInfo",
    fields={
        "key_prefix": serializers.CharField(),
        "created": serializers.DateTimeField(),
        "expiry": serializers.DateTimeField(allow_null=True),
        "current": serializers.BooleanField(),
    },
    many=True,
)


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("User name"))
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False
    )


def _issued(user: Any, answer: int = status.HTTP_201_CREATED) -> Response:
    try:
        token, key = tokens.issue(user)
    except tokens.TooManyTokens:
        raise exceptions.PermissionDenied(
            _(
                "You already have %(n)d API tokens that have not expired: revoke some on your "
                "account page first."
            )
            % {"n": settings.API_TOKENS_PER_USER}
        ) from None
    return Response({"token": key, "expiry": token.expiry}, status=answer)


class SignInTokenView(APIView):
    """POST a username and password: the answer is a new token and when it expires.

    The failures count towards the same lockout as the sign-in page's (django-axes): a locked
    account or address is answered 429 with the time to try again, whatever the password.
    The access log records each token issued as a sign-in, and each wrong password, or right
    password refused for lack of a one-time code, as a failed sign-in.
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    serializer_class = SignInSerializer

    @extend_schema(
        request=SignInSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong user name or password."),
            403: OpenApiResponse(
                description="No token for a password alone (the account uses one-time codes), "
                "or no more tokens for this user now."
            ),
            429: OpenApiResponse(description="Locked out: too many failures; see Retry-After."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = SignInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        username = given.validated_data["username"]
        # axes counts the failure, and refuses a locked-out client, only when it gets the request.
        user = authenticate(
            request=request, username=username, password=given.validated_data["password"]
        )
        # A failure (a lockout too) is logged by core.access_log, from the user_login_failed
        # signal that authenticate() sends: not here, or it would be logged twice.
        if user is None:
            if getattr(request, "axes_locked_out", False):
                ends = lock_ends(request, get_credentials(username))
                wait = (ends - timezone.now()).total_seconds() if ends else None
                raise exceptions.Throttled(wait=wait, detail=lockout_message(ends))
            refused = _("Unable to sign in with the user name and password given.")
            raise exceptions.ValidationError({"non_field_errors": [refused]})
        if second_factor.must_use_totp(user) or second_factor.has_second_factor(user):
            # A password alone is half of this user's sign-in: no token for it. Logged, as someone
            # holds the password of an account that has a second step.
            record(
                AccessKind.SIGN_IN_FAILED,
                request,
                user=user,
                what="API token refused: the account signs in with a one-time code",
            )
            raise exceptions.PermissionDenied(
                _(
                    "This account signs in with a one-time code: sign in on the site with it "
                    "and make a token on your account page."
                )
            )
        clear_account_failures(user.get_username())
        answer = _issued(user, status.HTTP_200_OK)
        # No login() here, so no user_logged_in signal to log it as the page's sign-in is.
        record(AccessKind.SIGN_IN, request, user=user, what="API token")
        return answer


class MyTokenView(APIView):
    """A signed-in user's own tokens: list them (GET), make one more (POST), revoke all (DELETE).

    A key is shown once, when it is made; the list shows the first characters of each. Revoking
    all is how an officer cuts off every script at once when a key may have leaked.

    A new token is made only from a browser session, never with a token: a token that made
    tokens would renew itself until the password changed, and a leaked key would never expire.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TokenInfoSerializer})
    def get(self, request: Request) -> Response:
        current = getattr(request.auth, "digest", None)
        return Response(
            [
                {
                    "key_prefix": tokens.key_prefix(token),
                    "created": token.created,
                    "expiry": token.expiry,
                    "current": token.digest == current,
                }
                for token in tokens.live_tokens(request.user)
            ]
        )

    @extend_schema(
        request=None,
        responses={
            201: TokenSerializer,
            403: OpenApiResponse(
                description="Not from a browser session (a token makes no token), no token "
                "for a session that did not pass the one-time code of an account that uses "
                "one, or no more tokens for this user now."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            raise exceptions.PermissionDenied(
                _(
                    "A token cannot make another token: make a new one from a browser where you "
                    "are signed in (your account page), or with your user name and password at "
                    "/api/token/."
                )
            )
        if not second_factor.may_get_token(request):
            raise exceptions.PermissionDenied(
                _("This account signs in with a one-time code: make tokens from a session with it.")
            )
        answer = _issued(request.user)
        record(AccessKind.SIGN_IN, request, user=request.user, what="API token from a session")
        return answer

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        tokens.revoke_all(request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCurrentTokenView(APIView):
    """DELETE: revoke the token this request is made with (a script signing out)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 400: None})
    def delete(self, request: Request) -> Response:
        if not hasattr(request.auth, "digest"):
            raise exceptions.ParseError(_("This request was not made with a token."))
        tokens.revoke(request.user, request.auth.digest)
        return Response(status=status.HTTP_204_NO_CONTENT)


ROUTES = [("organisations", OrganisationViewSet)]
