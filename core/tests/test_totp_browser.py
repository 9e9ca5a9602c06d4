"""Two-step sign-in in Chromium: an administrator sets up an app, then signs in with its code."""

from __future__ import annotations

import base64
import time
from urllib.parse import urlparse

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from core import roles, testing

pytestmark = pytest.mark.browser


def code(key: bytes, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.fixture
def administrator(mod):
    return testing.user("admin-totp", roles.ADMINISTRATOR, mod["ministry"], is_staff=True)


def test_an_administrator_sets_up_an_app_and_signs_in_with_its_code(page, sign_in, administrator):
    sign_in(administrator)

    # User menu → Your account → Two-step sign-in: Set up.
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Set up").click()
    qr = page.get_by_test_id("totp-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # drawn, and allowed by the CSP
    # The app would scan the QR code; the test types the secret as a person could.
    secret = page.get_by_test_id("totp-secret").inner_text()
    key = base64.b32decode(secret.replace(" ", ""))
    page.fill("#id_code", code(key))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()
    expect(page.locator('[data-testid="recovery-codes"] li')).to_have_count(10)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/login/")
    page.fill("#id_username", administrator.username)
    page.fill("#id_password", "pass-word-42")
    page.click("button[type=submit]")
    page.wait_for_url("**/login/code/")

    valid = {code(key, step) for step in (-1, 0, 1, 2)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    page.fill("#id_code", wrong)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("code-error")).to_have_text("That code is not right.")

    time.sleep(1.2)  # the app's own pause after a wrong code
    # The next 30-second step's code: the one used to set up the app cannot be used twice.
    page.fill("#id_code", code(key, steps_ahead=1))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.get_by_test_id("user-menu")).to_contain_text("admin-totp")
    assert urlparse(page.url).path == "/"  # the home page
