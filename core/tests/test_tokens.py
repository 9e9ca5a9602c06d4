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
from core.models import AccessEvent, AccessKind

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


def test_a_token_cannot_make_another_token(viewer):
    # A token that made tokens would renew itself every 10 hours, until the password changed.
    key = sign_in_for_a_token().json()["token"]

    refused = script(key).post(reverse("api:my-token"))

    assert refused.status_code == 403
    assert "A token cannot make another token" in refused.json()["detail"]
    assert AuthToken.objects.filter(user=viewer).count() == 1
    assert script(key).get(reverse("api:my-token")).status_code == 200  # it still lists them


def test_a_token_sent_with_a_session_cookie_makes_no_token_either(viewer):
    # The token is read first: the request is the token's, whatever cookie comes with it.
    key = sign_in_for_a_token().json()["token"]
    both = browser(viewer)
    both.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert both.post(reverse("api:my-token")).status_code == 403
    assert AuthToken.objects.filter(user=viewer).count() == 1


# --- The access log ------------------------------------------------------------------------


def test_a_token_for_a_password_is_logged_as_a_sign_in(viewer):
    APIClient(REMOTE_ADDR="10.1.2.3").post(
        reverse("api:token"), {"username": "viewer", "password": "pass-word-42"}
    )

    [entry] = AccessEvent.objects.filter(kind=AccessKind.SIGN_IN)
    assert (entry.user, entry.what, entry.path) == (viewer, "API token", reverse("api:token"))
    assert entry.address == "10.1.2.3"


def test_a_wrong_password_for_a_token_is_logged_once(viewer):
    sign_in_for_a_token(password="wrong")
    sign_in_for_a_token("nobody", password="wrong")

    failed = AccessEvent.objects.filter(kind=AccessKind.SIGN_IN_FAILED).order_by("pk")
    assert [(e.username, e.path) for e in failed] == [
        ("viewer", reverse("api:token")),
        ("nobody", reverse("api:token")),
    ]
    assert not AccessEvent.objects.filter(kind=AccessKind.SIGN_IN).exists()


def test_a_right_password_refused_for_lack_of_a_code_is_logged_as_a_failure(viewer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=viewer, name="phone", confirmed=True)

    assert sign_in_for_a_token().status_code == 403

    [entry] = AccessEvent.objects.filter(kind=AccessKind.SIGN_IN_FAILED)
    assert entry.user == viewer and "one-time code" in entry.what
    assert not AccessEvent.objects.filter(kind=AccessKind.SIGN_IN).exists()


def test_a_token_made_from_a_session_is_logged(client, viewer):
    browser(viewer).post(reverse("api:my-token"))
    client.force_login(viewer)
    client.post(reverse("account:index"), {"action": "new_token"})

    made = AccessEvent.objects.filter(kind=AccessKind.SIGN_IN, what="API token from a session")
    assert [(e.user, e.path) for e in made.order_by("pk")] == [
        (viewer, reverse("api:my-token")),
        (viewer, reverse("account:index")),
    ]


@override_settings(API_TOKENS_PER_USER=1)
def test_no_token_made_no_sign_in_logged(viewer):
    sign_in_for_a_token()
    refused = sign_in_for_a_token()

    assert refused.status_code == 403
    assert AccessEvent.objects.filter(kind=AccessKind.SIGN_IN).count() == 1


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
