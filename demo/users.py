"""One demo user per role, sharing one password (env DEMO_PASSWORD) so a visitor can try each."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from core import roles
from core.models import Membership, Organisation

DEFAULT_PASSWORD = "blueberet-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisations: tuple[str, ...]  # keys of demo.catalogues.ORGANISATIONS
    superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", roles.ADMINISTRATOR, ("mnd", "mps"), superuser=True),
    DemoUser("personnel", roles.PERSONNEL_OFFICER, ("dpko",)),
    DemoUser("planner", roles.PLANNER, ("dpko",)),
    DemoUser("approver", roles.APPROVER, ("dpko",)),
    DemoUser("viewer", roles.VIEWER, ("dpko",)),
    DemoUser("training", roles.TRAINING_OFFICER, ("centre",)),
    DemoUser("police", roles.PERSONNEL_OFFICER, ("mps",)),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def ensure_demo_users(organisations: dict[str, Organisation]) -> dict[str, User]:
    """Create (or reset) the demo users with their role, grants and the demo password."""
    roles.ensure_roles()
    password = demo_password()
    made: dict[str, User] = {}
    for demo in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=demo.username)
        user.first_name = "Demo"
        user.last_name = demo.role
        user.is_staff = demo.superuser
        user.is_superuser = demo.superuser
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=demo.role)])
        for key in demo.organisations:
            Membership.objects.get_or_create(user=user, organisation=organisations[key])
        made[demo.username] = user
    return made
