"""Lockout after repeated failed sign-ins: per account, per address, on the page and the API."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import roles, signin, testing

# The defaults (settings.SIGNIN_*): what this file's names say.
ACCOUNT_LIMIT = 5
COOLOFF_MINUTES = 15


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    # Tens of sign-ins per test: the real hasher's deliberate slowness is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password="pass-word-42", **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def alert(response):
    """The text of the page's alert, digits masked (the time to try again)."""
    found = re.search(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"\d", "#", found.group(1)).strip() if found else ""


def signed_in(client):
    return SESSION_KEY in client.session


def age_failures(minutes):
    """Move every recorded failure `minutes` into the past, as if that time had passed."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


def test_the_defaults_are_five_failures_per_account_and_fifteen_minutes(settings):
    assert settings.SIGNIN_FAILURES_PER_ACCOUNT == ACCOUNT_LIMIT
    assert settings.SIGNIN_COOLOFF_MINUTES == COOLOFF_MINUTES
    assert settings.SIGNIN_FAILURES_PER_ADDRESS > ACCOUNT_LIMIT


def test_the_fifth_wrong_password_locks_the_account_for_15_minutes(client, viewer):
    for _ in range(ACCOUNT_LIMIT - 1):
        refused = sign_in(client, "viewer", "wrong")
        assert refused.status_code == 200
        assert "did not match" in refused.content.decode()

    locked = sign_in(client, "viewer", "wrong")
    right_password = sign_in(client, "viewer")

    assert locked.status_code == 429
    assert "Try again after" in locked.content.decode()
    assert "(in 15 minutes)" in locked.content.decode()
    assert right_password.status_code == 429
    assert "Try again after" in right_password.content.decode()
    assert not signed_in(client)


def test_an_unknown_user_name_is_answered_exactly_like_a_real_one(client, viewer):
    wrong_password = [alert(sign_in(client, "viewer", "wrong")) for _ in range(ACCOUNT_LIMIT)]
    unknown = [alert(sign_in(client, "nobody", "wrong")) for _ in range(ACCOUNT_LIMIT)]

    assert wrong_password == unknown
    assert "did not match" in unknown[0]
    assert "Try again after" in unknown[-1]
    assert "nobody" not in unknown[-1]


def test_the_lock_opens_by_itself_once_the_cool_off_has_passed(client, viewer):
    for _ in range(ACCOUNT_LIMIT):
        sign_in(client, "viewer", "wrong")
    assert sign_in(client, "viewer").status_code == 429

    age_failures(COOLOFF_MINUTES - 1)
    assert sign_in(client, "viewer").status_code == 429

    age_failures(COOLOFF_MINUTES + 1)
    opened = sign_in(client, "viewer")

    assert opened.status_code == 302
    assert signed_in(client)


def test_a_successful_sign_in_clears_the_accounts_failures(client, viewer):
    for _ in range(ACCOUNT_LIMIT - 1):
        sign_in(client, "viewer", "wrong")
    assert sign_in(client, "viewer").status_code == 302
    client.post("/logout/")

    for _ in range(ACCOUNT_LIMIT - 1):
        sign_in(client, "viewer", "wrong")

    assert sign_in(client, "viewer").status_code == 302


def test_the_lock_follows_the_account_to_another_address(viewer):
    first, second = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(ACCOUNT_LIMIT):
        sign_in(first, "viewer", "wrong")

    assert sign_in(second, "viewer").status_code == 429


@override_settings(SIGNIN_FAILURES_PER_ADDRESS=8)
def test_an_address_trying_many_names_is_locked_for_everyone_behind_it(viewer):
    guesser = Client(REMOTE_ADDR="10.0.0.66")
    for name in ["a", "b", "c", "d"]:
        sign_in(guesser, name, "wrong")
        sign_in(guesser, name, "wrong")  # two each: no account reaches its limit

    from_there = sign_in(Client(REMOTE_ADDR="10.0.0.66"), "viewer")
    from_elsewhere = sign_in(Client(REMOTE_ADDR="10.0.0.7"), "viewer")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302


@override_settings(SIGNIN_TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_clients_own_address_is_counted(viewer):
    def through_proxy(client_address):
        # The client may send any X-Forwarded-For; the proxy appends the address it saw.
        return Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_address}")

    for _ in range(ACCOUNT_LIMIT):
        sign_in(through_proxy("10.0.0.66"), "viewer", "wrong")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.66"}


def test_the_api_token_counts_failures_and_refuses_when_locked_out(client, viewer):
    api = APIClient()
    url = reverse("api:token")
    refused = [
        api.post(url, {"username": "viewer", "password": "wrong"}) for _ in range(ACCOUNT_LIMIT)
    ]
    right_password = api.post(url, {"username": "viewer", "password": "pass-word-42"})

    assert [r.status_code for r in refused] == [400] * (ACCOUNT_LIMIT - 1) + [429]
    assert right_password.status_code == 429
    assert "Try again after" in right_password.json()["detail"]
    assert 800 < int(right_password["Retry-After"]) <= COOLOFF_MINUTES * 60
    # One count for both doors: the sign-in page is locked too.
    assert sign_in(client, "viewer").status_code == 429


# --- The administrators' page ------------------------------------------------------------


@pytest.fixture
def administrator(mod):
    return testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])


def lock_out(username):
    for _ in range(ACCOUNT_LIMIT):
        sign_in(Client(), username, "wrong")


def test_an_administrator_unlocks_a_user_of_his_organisations(client, administrator, viewer):
    lock_out("viewer")
    client.force_login(administrator)

    page = client.get(reverse("account:signin_security"))
    unlocked = client.post(reverse("account:signin_security"), {"unlock": "viewer"}, follow=True)

    assert "viewer" in page.content.decode()
    assert "viewer may sign in again." in unlocked.content.decode()
    assert "Nobody is locked out." in unlocked.content.decode()
    assert sign_in(Client(), "viewer").status_code == 302


def test_an_administrator_neither_sees_nor_unlocks_users_of_other_organisations(
    client, administrator, police_officer_user
):
    lock_out("police")
    lock_out("nobody")
    client.force_login(administrator)

    page = client.get(reverse("account:signin_security")).content.decode()
    refused = client.post(reverse("account:signin_security"), {"unlock": "police"}, follow=True)

    assert "Nobody is locked out." in page
    assert "police" not in page and "nobody" not in page
    assert "not one you may lift or reset" in refused.content.decode()
    assert sign_in(Client(), "police").status_code == 429


def test_a_superuser_sees_every_lockout_and_the_addresses(client, mod, police_officer_user):
    root = testing.user("root", roles.VIEWER, is_superuser=True)
    with override_settings(SIGNIN_FAILURES_PER_ADDRESS=ACCOUNT_LIMIT):
        lock_out("police")
        client.force_login(root)
        page = client.get(reverse("account:signin_security")).content.decode()
        opened = client.post(reverse("account:signin_security"), {"unlock_address": "127.0.0.1"})

    assert "police" in page and "127.0.0.1" in page
    assert opened.status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()


def test_only_administrators_reach_the_page(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("account:signin_security")).status_code == 403


@pytest.mark.parametrize("typed", ["not-an-address", "10.0.0.300", "fe80::1%eth0", "' OR 1=1"])
def test_unlocking_something_that_is_not_an_address_is_answered_and_never_queried(
    client, db, typed, django_assert_num_queries
):
    # PostgreSQL's inet column refuses such a value with a DataError (a 500): it never gets there.
    root = testing.user("root", roles.VIEWER, is_superuser=True)
    with override_settings(SIGNIN_FAILURES_PER_ADDRESS=ACCOUNT_LIMIT):
        lock_out("police")
    client.force_login(root)

    answer = client.post(reverse("account:signin_security"), {"unlock_address": typed})
    with django_assert_num_queries(0):
        lifted = signin.unlock_address(root, typed)

    assert answer.status_code == 400
    assert "is not an IP address." in answer.content.decode()
    assert not lifted
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()
