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
    # (role, organisation key of demo.catalogues.ORGANISATIONS): the role over that subtree
    grants: tuple[tuple[str, str], ...]
    superuser: bool = False

    @property
    def role(self) -> str:
        """The role the user is named for: their first grant's."""
        return self.grants[0][0]


DEMO_USERS = [
    DemoUser("admin", ((roles.ADMINISTRATOR, "mnd"), (roles.ADMINISTRATOR, "mps")), superuser=True),
    DemoUser("personnel", ((roles.PERSONNEL_OFFICER, "dpko"),)),
    DemoUser("planner", ((roles.PLANNER, "dpko"),)),
    DemoUser("approver", ((roles.APPROVER, "dpko"),)),
    DemoUser("viewer", ((roles.VIEWER, "dpko"),)),
    # Least privilege: runs the centre's courses, and reads the whole ministry's people to
    # enrol them, without being able to change anyone's record.
    DemoUser("training", ((roles.TRAINING_OFFICER, "centre"), (roles.VIEWER, "mnd"))),
    DemoUser("police", ((roles.PERSONNEL_OFFICER, "mps"),)),
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
        for role, key in demo.grants:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[key], role=Group.objects.get(name=role)
            )
        made[demo.username] = user
    return made
