"""Two-step sign-in: codes from an authenticator app (TOTP) after the password."""

import base64
import io
import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from core import roles, second_factor, testing

REQUIRE_ADMINISTRATORS = override_settings(OTP_REQUIRED_ROLES=[roles.ADMINISTRATOR])


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def administrator(mod):
    return testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])


def code(key: bytes, steps_ahead: int = 0) -> str:
    """The code an app shows now (or `steps_ahead` 30-second steps later), as django-otp does."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def wrong_code(key: bytes) -> str:
    valid = {code(key, step) for step in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in valid)


def with_app(user) -> bytes:
    """Give `user` a confirmed authenticator app; its secret key."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device.bin_key


def password_step(client, username, password="pass-word-42", next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def code_step(client, typed):
    return client.post(reverse("login_code"), {"code": typed})


def signed_in(client):
    return SESSION_KEY in client.session


def test_by_default_no_role_must_use_a_code(settings, administrator, client):
    assert settings.OTP_REQUIRED_ROLES == []
    client.force_login(administrator)
    assert client.get("/").status_code == 200


# --- Setting up an app ---


# A wrong code makes the app wait a second before the next (tested below with sign-in): not here.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_setting_up_an_app_shows_a_qr_code_and_the_secret_and_needs_a_first_right_code(
    client, viewer
):
    client.force_login(viewer)
    page = client.get(reverse("account:totp")).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    key = base64.b32decode(secret.replace(" ", ""))

    refused = client.post(reverse("account:totp"), {"action": "confirm", "code": wrong_code(key)})
    turned_on = client.post(reverse("account:totp"), {"action": "confirm", "code": code(key)})

    assert 'src="data:image/svg+xml' in page
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert turned_on.status_code == 200
    assert "Two-step sign-in is on" in turned_on.content.decode()
    assert TOTPDevice.objects.get(user=viewer).confirmed
    shown = re.search(r'data-testid="recovery-codes">(.*?)</div>', turned_on.content.decode(), re.S)
    assert len(re.findall(r"<li[^>]*>[a-z2-7]{8}</li>", shown.group(1))) == 10
    assert client.session[DEVICE_ID_SESSION_KEY]  # this session passed the code


def test_reloading_the_set_up_page_keeps_the_same_secret(client, viewer):
    client.force_login(viewer)
    first = client.get(reverse("account:totp")).content.decode()
    again = client.get(reverse("account:totp")).content.decode()

    def secret(page):
        return re.search(r'data-testid="totp-secret">([^<]+)<', page).group(1)

    assert secret(first) == secret(again)


# --- Signing in with the code ---


def test_a_user_with_an_app_types_a_code_after_the_password(client, viewer):
    key = with_app(viewer)

    after_password = password_step(client, "viewer", next_url="/people/")
    assert after_password.url == reverse("login_code")
    assert not signed_in(client)

    after_code = code_step(client, code(key))
    assert after_code.status_code == 302
    assert after_code.url == "/people/"
    assert signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY]


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, viewer):
    key = with_app(viewer)
    password_step(client, "viewer")

    refused = code_step(client, wrong_code(key))

    assert refused.status_code == 400
    assert "That code is not right." in refused.content.decode()
    assert not signed_in(client)
    assert AccessAttempt.objects.get(username="viewer").failures_since_start == 1


def test_guessing_codes_is_slowed_down_by_the_app_itself(client, viewer):
    key = with_app(viewer)
    password_step(client, "viewer")
    code_step(client, wrong_code(key))

    too_soon = code_step(client, code(key))  # the right one, but within a second of a wrong one

    assert "Too many wrong codes: wait 1 seconds" in too_soon.content.decode()
    assert not signed_in(client)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(client, viewer):
    key = with_app(viewer)
    password_step(client, "viewer")
    answers = [code_step(client, wrong_code(key)) for _ in range(5)]

    assert [a.status_code for a in answers] == [400] * 4 + [429]
    assert "Try again after" in answers[-1].content.decode()
    assert password_step(client, "viewer").status_code == 429
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client, viewer):
    with_app(viewer)
    recovery = second_factor.new_recovery_codes(viewer)

    password_step(client, "viewer")
    first = code_step(client, recovery[0].upper())
    client.post("/logout/")
    password_step(client, "viewer")
    again = code_step(client, recovery[0])

    assert first.status_code == 302
    assert again.status_code == 400
    assert second_factor.recovery_codes_left(viewer) == 9


def test_a_code_is_accepted_once(client, viewer):
    key = with_app(viewer)
    typed = code(key)
    password_step(client, "viewer")
    code_step(client, typed)
    client.post("/logout/")

    password_step(client, "viewer")
    replayed = code_step(client, typed)

    assert replayed.status_code == 400
    assert not signed_in(client)


def test_the_code_page_needs_the_password_first_and_waits_five_minutes(client, viewer):
    key = with_app(viewer)
    assert client.get(reverse("login_code")).url == reverse("login")

    password_step(client, "viewer")
    session = client.session
    session[second_factor.PENDING]["at"] -= 5 * 60 + 1
    session.save()
    late = client.post(reverse("login_code"), {"code": code(key)}, follow=True)

    assert "That took too long: please sign in again." in late.content.decode()
    assert not signed_in(client)


def test_the_admins_own_login_page_leads_to_the_sites(client):
    assert client.get("/admin/login/?next=/admin/").url == "/login/?next=/admin/"


# --- Roles that must use a code ---


@REQUIRE_ADMINISTRATORS
def test_a_role_that_must_use_a_code_is_sent_to_set_it_up_from_every_page(
    client, administrator, viewer
):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)

    for path in ["/", "/people/", "/admin/", reverse("account:index")]:
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.url == reverse("account:totp"), path
    assert client.get(reverse("account:totp")).status_code == 200
    assert client.get("/api/organisations/").status_code == 403

    other = Client()
    other.force_login(viewer)
    assert other.get("/").status_code == 200


@REQUIRE_ADMINISTRATORS
def test_once_set_up_the_required_user_reaches_every_page(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("account:totp")).content.decode()
    key = base64.b32decode(re.search(r'totp-secret">([^<]+)<', page).group(1).replace(" ", ""))

    client.post(reverse("account:totp"), {"action": "confirm", "code": code(key)})

    assert client.get("/").status_code == 200
    assert client.get("/people/").status_code == 200


@REQUIRE_ADMINISTRATORS
def test_a_superuser_counts_as_an_administrator(client, db):
    root = testing.user("root", roles.VIEWER, is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/admin/").url == reverse("account:totp")


@REQUIRE_ADMINISTRATORS
def test_a_session_without_the_code_of_a_user_who_has_an_app_is_signed_out(client, administrator):
    with_app(administrator)
    client.force_login(administrator)  # as a session begun before the app was set up

    answer = client.get("/people/", follow=True)

    assert answer.redirect_chain[0][0] == "/login/?next=%2Fpeople%2F"
    assert "Please sign in again, with your one-time code." in answer.content.decode()
    assert not signed_in(client)


# --- API tokens for users with codes ---


def test_no_token_for_a_password_alone_when_the_account_uses_codes(viewer):
    with_app(viewer)

    answer = APIClient().post(
        reverse("api:token"), {"username": "viewer", "password": "pass-word-42"}
    )

    assert answer.status_code == 403
    assert "one-time code" in answer.json()["detail"]
    assert not AuthToken.objects.exists()


@REQUIRE_ADMINISTRATORS
def test_no_token_for_a_password_alone_when_the_role_must_use_codes(administrator):
    answer = APIClient().post(
        reverse("api:token"), {"username": "admin", "password": "pass-word-42"}
    )
    assert answer.status_code == 403


def test_a_session_that_passed_the_code_makes_tokens(client, viewer):
    key = with_app(viewer)
    password_step(client, "viewer")
    code_step(client, code(key))

    made = client.post(reverse("account:index"), {"action": "new_token"})
    through_api = client.post(reverse("api:my-token"))

    assert 'data-testid="new-token-key"' in made.content.decode()
    assert through_api.status_code == 201


def test_a_session_without_the_code_makes_no_token(client, viewer):
    with_app(viewer)
    client.force_login(viewer)

    refused = client.post(reverse("account:index"), {"action": "new_token"}, follow=True)
    through_api = client.post(reverse("api:my-token"))

    assert "Sign in with your one-time code to make a token." in refused.content.decode()
    assert through_api.status_code == 403
    assert not AuthToken.objects.exists()


# --- Administrators reset a lost phone ---


def test_an_administrator_resets_the_app_of_a_user_of_his_organisations(
    client, administrator, viewer, police_officer_user
):
    with_app(viewer)
    with_app(police_officer_user)
    with_app(administrator)
    client.force_login(administrator)

    page = client.get(reverse("account:signin_security")).content.decode()
    reset = client.post(
        reverse("account:signin_security"), {"reset_two_step": "viewer"}, follow=True
    )
    elsewhere = client.post(reverse("account:signin_security"), {"reset_two_step": "police"})
    himself = client.post(reverse("account:signin_security"), {"reset_two_step": "admin"})

    assert "viewer" in page and "police" not in page
    assert "viewer signs in with the password alone" in reset.content.decode()
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert not StaticDevice.objects.filter(user=viewer).exists()
    assert elsewhere.status_code == himself.status_code == 302
    assert TOTPDevice.objects.filter(user=police_officer_user).exists()
    assert TOTPDevice.objects.filter(user=administrator).exists()
    after = Client()
    assert password_step(after, "viewer").status_code == 302
    assert signed_in(after)


def test_a_user_turns_off_his_own_app_only_from_a_session_that_passed_its_code(client, viewer):
    key = with_app(viewer)
    client.force_login(viewer)
    client.post(reverse("account:totp"), {"action": "turn_off"})
    assert TOTPDevice.objects.filter(user=viewer).exists()

    client.post("/logout/")
    password_step(client, "viewer")
    code_step(client, code(key))
    client.post(reverse("account:totp"), {"action": "turn_off"})

    assert not TOTPDevice.objects.filter(user=viewer).exists()


# --- Around the library ---


def test_demo_logins_says_how_to_require_codes(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert 'OTP_REQUIRED_ROLES="Administrator,Approver"' in out.getvalue()


def test_no_third_party_admin_shows_tokens_devices_or_sign_ins():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not registered & {"knox", "otp_totp", "otp_static", "axes"}


def test_the_device_is_read_once_per_user_object_and_forgotten_when_it_changes(
    viewer, django_assert_num_queries
):
    key = with_app(viewer)
    with django_assert_num_queries(1):
        assert second_factor.has_second_factor(viewer)
        assert second_factor.confirmed_device(viewer).bin_key == key
        assert second_factor.has_second_factor(viewer)

    second_factor.turn_off(viewer)

    assert not second_factor.has_second_factor(viewer)
    assert second_factor.confirmed_device(viewer) is None
