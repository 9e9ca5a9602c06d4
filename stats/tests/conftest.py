"""Where the real UN reports lie for the tests: ../shared/data/un beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


def un_data_dir() -> Path:
    return Path(
        os.environ.get("UN_DATA_DIR") or settings.BASE_DIR.parent / "shared" / "data" / "un"
    )


@pytest.fixture(scope="session")
def un_data() -> Path:
    folder = un_data_dir()
    if not (folder / "pdf").is_dir():
        message = f"the UN reports are missing at {folder} (set UN_DATA_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def un_pdf(un_data):
    def path(year_month: str) -> Path:
        return un_data / "pdf" / f"UN_country_contributions_{year_month}.pdf"

    return path


def stats_user(username: str, *codenames: str):
    """A user holding exactly these stats permissions and no role, so that a test shows
    which permission a page needs."""
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(username=username, password="pass-word-42")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="stats", codename__in=codenames)
    )
    return user
