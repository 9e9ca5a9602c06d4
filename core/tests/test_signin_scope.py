"""The sign-in security page acts only on users the administrator manages (core.admin's scope).

Its lockouts and authenticator apps are scoped as the admin's user pages are: a user is listed
only if every grant of theirs lies where the administrator may view users, and unlocked or
reset only if the administrator may change them (core.admin.may_manage), asked again on the
server for each action.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles, testing

PAGE = "account:signin_security"


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def lock_out(username, settings):
    for _ in range(settings.SIGNIN_FAILURES_PER_ACCOUNT):
        Client().post("/login/", {"username": username, "password": "wrong"})


def is_locked(username):
    answer = Client().post("/login/", {"username": username, "password": "pass-word-42"})
    return answer.status_code == 429


def with_app(user):
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def act(client, **data):
    return client.post(reverse(PAGE), data, follow=True).content.decode()


@pytest.fixture
def chief(mod):
    """The ministry's own administrator: above every department administrator."""
    return testing.user("chief", roles.ADMINISTRATOR, mod["ministry"])


def test_a_department_administrator_who_views_the_whole_ministry_cannot_touch_its_chief(
    client, mod, chief, settings
):
    # Attack: an Administrator of DPKO who is also a Viewer of the whole ministry (a grant that
    # gives no right over users) reached the ministry's administrator.
    deputy = testing.user("deputy", roles.ADMINISTRATOR, mod["department"])
    testing.grant(deputy, roles.VIEWER, mod["ministry"])
    with_app(chief)
    lock_out("chief", settings)
    client.force_login(deputy)

    page = client.get(reverse(PAGE)).content.decode()
    reset = act(client, reset_two_step="chief")
    unlocked = act(client, unlock="chief")

    assert "chief" not in page
    assert "not one you may lift or reset" in reset
    assert "not one you may lift or reset" in unlocked
    assert TOTPDevice.objects.filter(user=chief).exists()
    assert is_locked("chief")


def test_a_unit_administrator_cannot_touch_a_user_who_also_holds_a_grant_in_another_ministry(
    client, mod, mps, settings
):
    # Attack: a user with one grant in the hospital and one in the police ministry was looked
    # after by the hospital's administrator, who could reset the app guarding the police data.
    hospital_admin = testing.user("h175admin", roles.ADMINISTRATOR, mod["hospital"])
    dualgrant = testing.user("dualgrant", roles.VIEWER, mod["hospital"])
    testing.grant(dualgrant, roles.PERSONNEL_OFFICER, mps["police"])
    with_app(dualgrant)
    lock_out("dualgrant", settings)
    client.force_login(hospital_admin)

    page = client.get(reverse(PAGE)).content.decode()
    reset = act(client, reset_two_step="dualgrant")
    unlocked = act(client, unlock="dualgrant")

    assert "dualgrant" not in page
    assert "not one you may lift or reset" in reset
    assert "not one you may lift or reset" in unlocked
    assert TOTPDevice.objects.filter(user=dualgrant).exists()
    assert is_locked("dualgrant")


def test_a_user_the_administrator_sees_but_may_not_change_is_neither_listed_nor_touched(
    client, mod, chief, viewer, settings
):
    # Direct permissions are for a superuser to set: the admin shows such a user but lets no
    # administrator change him (may_manage), and this page follows it on every action.
    viewer.user_permissions.add(Permission.objects.get(codename="view_person"))
    with_app(viewer)
    lock_out("viewer", settings)
    client.force_login(chief)

    page = client.get(reverse(PAGE)).content.decode()
    reset = act(client, reset_two_step="viewer")
    unlocked = act(client, unlock="viewer")

    assert "viewer" not in page
    assert "not one you may lift or reset" in reset
    assert "not one you may lift or reset" in unlocked
    assert TOTPDevice.objects.filter(user=viewer).exists()
    assert is_locked("viewer")


def test_the_administrator_still_unlocks_and_resets_the_users_he_manages(
    client, mod, chief, viewer, settings
):
    with_app(viewer)
    lock_out("viewer", settings)
    client.force_login(chief)

    page = client.get(reverse(PAGE)).content.decode()
    reset = act(client, reset_two_step="viewer")
    unlocked = act(client, unlock="viewer")

    assert page.count('value="viewer"') == 2  # an Unlock and a Reset button
    assert "viewer signs in with the password alone" in reset
    assert "viewer may sign in again." in unlocked
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert not AccessAttempt.objects.filter(username="viewer").exists()
