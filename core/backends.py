"""Permissions come from grants: the roles a user holds over organisations (core.Membership).

Django's ModelBackend gives a user the permissions of their groups. Here a role is held over an
organisation subtree, not everywhere, so the roles are read from the user's grants instead of
`user.groups`. `user.has_perm("people.change_person")` then answers "somewhere"; which records
is `restrict(user, action)`'s question (core.querysets), answered per grant.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import QuerySet


class GrantBackend(ModelBackend):
    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        return Permission.objects.filter(group__grants__user=user_obj)
