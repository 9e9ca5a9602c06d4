"""`manage.py issue_token USER [--expiry-hours N]`: an API token for a user, made on the server.

The key is printed alone on standard output (`TOKEN=$(manage.py issue_token planner)`) and is
never shown again: only its digest is stored. For a scheduled job that needs more than the
usual API_TOKEN_TTL_HOURS, an administrator chooses a longer life here, knowingly.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core import tokens


class Command(BaseCommand):
    help = "Issue a new API token for a user and print its key (shown this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--expiry-hours",
            type=int,
            default=None,
            help="Hours until the token expires (default: API_TOKEN_TTL_HOURS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['username']!r}.") from None
        hours = options["expiry_hours"]
        if hours is not None and hours <= 0:
            raise CommandError("--expiry-hours must be a positive number of hours.")
        lifetime = datetime.timedelta(hours=hours) if hours else None
        try:
            token, key = tokens.issue(user, lifetime)
        except tokens.TooManyTokens:
            raise CommandError(
                f"{user.username} already holds the most tokens allowed (API_TOKENS_PER_USER): "
                "revoke some on their account page first."
            ) from None
        self.stdout.write(key)
        expiry = timezone.localtime(token.expiry).strftime("%Y-%m-%d %H:%M %Z")
        self.stderr.write(
            f"Token {tokens.key_prefix(token)}… for {user.username}, expires {expiry}."
        )
