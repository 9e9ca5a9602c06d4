"""API tokens: revoked all at once when their user's password changes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import pre_save
from django.dispatch import receiver


def revoke_all(user_id: int) -> int:
    """Revoke every API token of the user; the number revoked."""
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user_id=user_id).delete()[0]


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
