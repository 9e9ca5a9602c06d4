"""Fixtures shared by every app's tests: two ministries that must not see each other."""

import os

import pytest
from django.conf import settings as django_settings
from django.core.signals import setting_changed

from core import roles, testing

# Tasks run inside the request that starts them, so a test sees their result at once; the
# tests of the queue itself switch back to the database backend and run a worker.
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"
django_settings.TASKS = {"default": {"BACKEND": IMMEDIATE_TASKS, "QUEUES": ["default"]}}
# django-tasks made its backends already (its checks ran at setup): it forgets them on this.
setting_changed.send(sender=None, setting="TASKS", value=django_settings.TASKS, enter=True)
# A replica mirrored onto the test database is a second connection, which cannot see a test's
# uncommitted rows: the suite runs without one; tests_replica/ tests a real one (.ci/run).
django_settings.DATABASES.pop("replica", None)


@pytest.fixture(autouse=True)
def stored_files(settings, tmp_path):
    """Stored files (job inputs and results) go to a folder of each test's own."""
    settings.MEDIA_ROOT = settings.STORAGE_DIR = tmp_path / "storage"
    return settings.MEDIA_ROOT


@pytest.fixture
def mod(db):
    """Ministry of National Defence → Department of Peacekeeping Operations → Hospital 175."""
    ministry = testing.organisation("Ministry of National Defence", short_name="MND")
    department = testing.organisation(
        "Department of Peacekeeping Operations", ministry, short_name="DPKO", kind="department"
    )
    hospital = testing.organisation("Military Hospital 175", department, short_name="H175")
    return {"ministry": ministry, "department": department, "hospital": hospital}


@pytest.fixture
def mps(db):
    """Ministry of Public Security → police peacekeeping."""
    ministry = testing.organisation("Ministry of Public Security", short_name="MPS")
    police = testing.organisation("Police Peacekeeping Unit", ministry, short_name="PPU")
    return {"ministry": ministry, "police": police}


@pytest.fixture
def planner(mod):
    return testing.user("planner", roles.PLANNER, mod["department"])


@pytest.fixture
def approver(mod):
    return testing.user("approver", roles.APPROVER, mod["department"])


@pytest.fixture
def personnel_officer(mod):
    return testing.user("personnel", roles.PERSONNEL_OFFICER, mod["department"])


@pytest.fixture
def viewer(mod):
    return testing.user("viewer", roles.VIEWER, mod["department"])


@pytest.fixture
def police_officer_user(mps):
    """A personnel officer of the police side: must never see the defence ministry's people."""
    return testing.user("police", roles.PERSONNEL_OFFICER, mps["ministry"])


@pytest.fixture
def upload_folder(settings, tmp_path):
    """Where the people import keeps uploads while they are checked: a folder per test."""
    settings.PEOPLE_IMPORT_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


# --- Browser tests -------------------------------------------------------------------------
# Playwright drives the system's Chromium (the bundled browser download does not work on
# closed networks). Where Chromium is missing, browser tests skip on a developer's machine
# but fail in CI (CI=true), so a missing browser can never pass for a green run.

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must run the browser tests")
        pytest.skip(f"Chromium is missing at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def sign_in(page):
    """Sign `user` in through the real login page."""

    def sign_in_as(user, password="pass-word-42"):
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return sign_in_as
