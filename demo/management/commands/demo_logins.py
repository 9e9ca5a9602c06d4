"""`manage.py demo_logins`: where to go and how to sign in as each demo user."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser

from demo.users import DEMO_USERS, demo_password


class Command(BaseCommand):
    help = "Print the demo's address and the demo users with their role and password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Address to print.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo_password()
        names = [demo.username for demo in DEMO_USERS]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=names).prefetch_related(
                "memberships__organisation", "memberships__role"
            )
        }
        self.stdout.write(f"Blue Beret: {options['url']}")
        required = settings.OTP_REQUIRED_ROLES
        if required:
            self.stdout.write(
                f"One-time codes required for: {', '.join(required)} "
                "(each such user sets up an authenticator app at the first sign-in)."
            )
        else:
            # The demo signs in with passwords alone; say how to try the two-step sign-in.
            self.stdout.write(
                "Passwords alone sign in. To require one-time codes from some roles: "
                'OTP_REQUIRED_ROLES="Administrator,Approver" make run'
            )
        if not users:
            self.stdout.write("No demo users yet: run `manage.py load_demo`.")
            return
        rows = [("User", "Role", "Organisations", "Password")]
        for demo in DEMO_USERS:
            user = users.get(demo.username)
            if user is None:
                continue
            # The role the user is named for first; a grant of another role says which.
            grants = sorted(
                user.memberships.all(),
                key=lambda g: (g.role.name != demo.role, g.organisation.path),
            )
            role = ", ".join(dict.fromkeys(g.role.name for g in grants)) or "-"
            if user.is_superuser:
                role += " (superuser)"
            organisations = ", ".join(
                str(g.organisation)
                if g.role.name == demo.role
                else f"{g.organisation} ({g.role.name})"
                for g in grants
            )
            # Say so rather than print a password that no longer works.
            shown = password if user.check_password(password) else "(changed since loading)"
            rows.append((user.username, role, organisations, shown))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
