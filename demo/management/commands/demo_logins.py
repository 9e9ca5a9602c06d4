"""`manage.py demo_logins`: where to go and how to sign in as each demo user."""

from __future__ import annotations

from typing import Any

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
                "groups", "memberships__organisation"
            )
        }
        self.stdout.write(f"Blue Beret: {options['url']}")
        if not users:
            self.stdout.write("No demo users yet: run `manage.py load_demo`.")
            return
        rows = [("User", "Role", "Organisations", "Password")]
        for demo in DEMO_USERS:
            user = users.get(demo.username)
            if user is None:
                continue
            role = ", ".join(sorted(g.name for g in user.groups.all())) or "-"
            if user.is_superuser:
                role += " (superuser)"
            organisations = ", ".join(str(m.organisation) for m in user.memberships.all()) or "-"
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
