"""API tokens (django-rest-knox): hashed at rest, expiring, revocable, one per script.

knox keeps only a SHA-512 digest of each token and its first characters (`token_key`, to find
it): the key itself is shown once, when it is made, and a copy of the database gives nobody a
way in. Each token expires REST_KNOX["TOKEN_TTL"] after it is made (API_TOKEN_TTL_HOURS); a user
holds at most API_TOKENS_PER_USER live ones. Scripts keep sending `Authorization: Token <key>`.

A new password revokes every token of its user, wherever it was set.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth as knox_auth
from knox.models import AuthToken
from knox.settings import knox_settings

# Shown on the account page and in GET /api/me/token/ to tell tokens apart: a few characters of
# what knox stores in clear anyway, far too few to guess the rest from.
PREFIX_LENGTH = 8


class TooManyTokens(Exception):
    """The user already holds API_TOKENS_PER_USER tokens that have not expired."""


def live_tokens(user: Any) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    return AuthToken.objects.filter(
        Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True), user_id=user.pk
    ).order_by("-created")


def issue(user: Any, lifetime: datetime.timedelta | None = None) -> tuple[AuthToken, str]:
    """A new token for `user`: the stored record and the key, which is never shown again.

    `lifetime` defaults to the configured one. Expired tokens of the user are deleted here
    (rather than on every authenticated request, as knox would).
    """
    AuthToken.objects.filter(user_id=user.pk, expiry__lte=timezone.now()).delete()
    limit = settings.API_TOKENS_PER_USER
    if limit and live_tokens(user).count() >= limit:
        raise TooManyTokens
    return AuthToken.objects.create(user=user, expiry=lifetime or knox_settings.TOKEN_TTL)


def key_prefix(token: AuthToken) -> str:
    return token.token_key[:PREFIX_LENGTH]


def revoke(user: Any, digest: str) -> bool:
    """Revoke one of the user's own tokens (named by its digest); True if there was one."""
    return AuthToken.objects.filter(user_id=user.pk, digest=digest).delete()[0] > 0


def revoke_all(user_id: int) -> int:
    """Revoke every API token of the user; the number revoked."""
    return AuthToken.objects.filter(user_id=user_id).delete()[0]


@receiver(pre_save, sender=User, dispatch_uid="blueberet_revoke_tokens_on_password_change")
def revoke_on_password_change(
    sender: Any, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new password signs the user out of every script too, whoever changed it and where.

    Sessions end by themselves (Django's session hash follows the password); tokens do not, so
    they are revoked here: on the password page, in the admin, by `manage.py changepassword`.
    Done at once rather than after the commit: revoking a token too many is safe.
    """
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # signing in saves last_login only: no query
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        revoke_all(instance.pk)


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's authentication, without reading every token of the user on each request.

    knox deletes the user's other expired tokens on every authenticated request (one more
    query each time); here only the token presented is checked, and `issue` clears the rest.
    """

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema names the header as before the move to knox: scripts send the same."""

    target_class = "core.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
