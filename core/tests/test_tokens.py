"""API tokens (django-rest-knox): hashed at rest, expiring, listed and revoked by their user."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from core import roles, testing

ORGANISATIONS = "/api/organisations/"


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def script(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def browser(user):
    client = APIClient()
    client.force_login(user)
    return client


def sign_in_for_a_token(username="viewer", password="pass-word-42"):
    return APIClient().post(reverse("api:token"), {"username": username, "password": password})


def test_a_script_gets_a_token_with_a_username_and_password_and_uses_it(viewer):
    answer = sign_in_for_a_token()

    assert answer.status_code == 200
    key = answer.json()["token"]
    assert script(key).get(ORGANISATIONS).status_code == 200


def test_a_wrong_password_gets_no_token(viewer):
    answer = sign_in_for_a_token(password="wrong")

    assert answer.status_code == 400
    assert "Unable to sign in" in answer.json()["non_field_errors"][0]
    assert not AuthToken.objects.exists()


def test_only_a_digest_of_the_key_is_stored(viewer):
    key = sign_in_for_a_token().json()["token"]

    stored = AuthToken.objects.get(user=viewer)

    assert key not in (stored.digest, stored.token_key)
    assert len(key) == 64 and len(stored.digest) == 128
    assert stored.token_key == key[:15]


def test_a_token_lasts_ten_hours_by_default(viewer, settings):
    answer = sign_in_for_a_token().json()

    expiry = datetime.datetime.fromisoformat(answer["expiry"])
    assert settings.API_TOKEN_TTL_HOURS == 10
    assert abs(expiry - (timezone.now() + datetime.timedelta(hours=10))) < datetime.timedelta(
        minutes=1
    )


def test_an_expired_token_no_longer_works(viewer):
    key = sign_in_for_a_token().json()["token"]
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    refused = script(key).get(ORGANISATIONS)

    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.exists()


def test_a_made_up_token_and_no_token_are_answered_401(viewer):
    assert script("0" * 64).get(ORGANISATIONS).status_code == 401
    anonymous = APIClient().get(ORGANISATIONS)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"


def test_a_signed_in_user_lists_makes_and_revokes_all_their_tokens(viewer):
    session = browser(viewer)
    url = reverse("api:my-token")

    assert session.get(url).json() == []
    first = session.post(url)
    second = session.post(url).json()["token"]
    listed = session.get(url).json()
    seen_by_the_script = script(second).get(url).json()

    assert first.status_code == 201
    assert sorted(t["key_prefix"] for t in listed) == sorted(
        [first.json()["token"][:8], second[:8]]
    )
    assert not any(t["current"] for t in listed)
    assert [t["current"] for t in seen_by_the_script if t["key_prefix"] == second[:8]] == [True]
    assert session.delete(url).status_code == 204
    assert script(second).get(ORGANISATIONS).status_code == 401
    assert script(first.json()["token"]).get(ORGANISATIONS).status_code == 401


def test_a_script_revokes_the_token_it_uses_and_no_other(viewer):
    kept, revoked = sign_in_for_a_token().json()["token"], sign_in_for_a_token().json()["token"]

    answer = script(revoked).delete(reverse("api:my-current-token"))

    assert answer.status_code == 204
    assert script(revoked).get(ORGANISATIONS).status_code == 401
    assert script(kept).get(ORGANISATIONS).status_code == 200
    assert browser(viewer).delete(reverse("api:my-current-token")).status_code == 400


@override_settings(API_TOKENS_PER_USER=2)
def test_a_user_holds_a_limited_number_of_live_tokens(viewer):
    sign_in_for_a_token(), sign_in_for_a_token()

    refused = sign_in_for_a_token()

    assert refused.status_code == 403
    assert "revoke some" in refused.json()["detail"]


def test_tokens_are_revoked_by_their_owner_only(viewer, mod):
    other = testing.user("other", roles.VIEWER, mod["department"])
    key = sign_in_for_a_token("other").json()["token"]

    browser(viewer).delete(reverse("api:my-token"))

    assert script(key).get(ORGANISATIONS).status_code == 200
    assert AuthToken.objects.filter(user=other).count() == 1


# --- The command ---------------------------------------------------------------------------


def test_the_command_issues_a_token_that_works(viewer):
    out, err = io.StringIO(), io.StringIO()

    call_command("issue_token", "viewer", stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert script(key).get(ORGANISATIONS).status_code == 200
    assert f"Token {key[:8]}… for viewer, expires" in err.getvalue()


def test_the_command_issues_a_longer_token_when_asked(viewer):
    call_command("issue_token", "viewer", "--expiry-hours", "720", stdout=io.StringIO())

    expiry = AuthToken.objects.get(user=viewer).expiry
    assert expiry - timezone.now() > datetime.timedelta(hours=719)


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("issue_token", "nobody", stdout=io.StringIO())


# --- The account page --------------------------------------------------------------------------


def test_the_account_page_shows_a_new_key_once_and_then_only_its_start(client, viewer):
    client.force_login(viewer)

    made = client.post(reverse("account:index"), {"action": "new_token"}).content.decode()
    key = AuthToken.objects.get(user=viewer).token_key  # the first 15 characters
    shown = made.split('data-testid="new-token-key">')[1].split("<")[0]
    later = client.get(reverse("account:index")).content.decode()

    assert shown.startswith(key) and len(shown) == 64
    assert script(shown).get(ORGANISATIONS).status_code == 200
    assert shown not in later
    assert f"{key[:8]}…" in later


def test_the_account_page_revokes_one_token_or_all(client, viewer):
    client.force_login(viewer)
    first = sign_in_for_a_token().json()["token"]
    second = sign_in_for_a_token().json()["token"]
    digest = AuthToken.objects.get(token_key=first[:15]).digest

    client.post(reverse("account:index"), {"action": "revoke", "digest": digest})
    assert script(first).get(ORGANISATIONS).status_code == 401
    assert script(second).get(ORGANISATIONS).status_code == 200

    done = client.post(reverse("account:index"), {"action": "revoke_all"}, follow=True)
    assert "1 token revoked." in done.content.decode()
    assert script(second).get(ORGANISATIONS).status_code == 401


def test_nobody_revokes_another_users_token_from_the_account_page(client, viewer, mod):
    other = testing.user("other", roles.VIEWER, mod["department"])
    token, key = AuthToken.objects.create(user=other)
    client.force_login(viewer)

    client.post(reverse("account:index"), {"action": "revoke", "digest": token.digest})

    assert script(key).get(ORGANISATIONS).status_code == 200


def test_the_user_menu_leads_to_the_account_page(client, viewer):
    client.force_login(viewer)
    assert reverse("account:index") in client.get("/").content.decode()
