"""Sessions: a new password signs out everywhere; idle and old sessions end with a reason."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from core import sessions
from core.testing import api


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def change_password(client, old="pass-word-42", new="a-new-long-passphrase-7"):
    return client.post(
        reverse("account:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
        follow=True,
    )


def test_the_user_menu_offers_to_change_the_password(viewer):
    page = signed_in_client(viewer).get("/").content.decode()
    assert reverse("account:password_change") in page


def test_changing_the_password_signs_out_every_other_session_but_this_one(viewer):
    here, elsewhere = signed_in_client(viewer), signed_in_client(viewer)

    changed = change_password(here)

    assert "Your password is changed" in changed.content.decode()
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302  # to the sign-in page
    assert SESSION_KEY not in elsewhere.session


def test_changing_the_password_revokes_every_api_token(viewer):
    script = api(viewer)
    assert script.get(reverse("api:organisation-list")).status_code == 200

    change_password(signed_in_client(viewer))

    assert script.get(reverse("api:organisation-list")).status_code == 401


def test_a_wrong_current_password_changes_nothing(viewer):
    script = api(viewer)
    here, elsewhere = signed_in_client(viewer), signed_in_client(viewer)

    refused = change_password(here, old="wrong")

    assert "Your old password was entered incorrectly" in refused.content.decode()
    assert elsewhere.get("/").status_code == 200
    assert script.get(reverse("api:organisation-list")).status_code == 200


def test_a_password_set_anywhere_else_revokes_the_tokens_too(viewer):
    script = api(viewer)

    viewer.set_password("set-by-an-administrator-9")
    viewer.save()

    assert script.get(reverse("api:organisation-list")).status_code == 401


def test_signing_in_keeps_the_tokens(viewer):
    script = api(viewer)

    signed_in_client(viewer)  # saves last_login only

    assert script.get(reverse("api:organisation-list")).status_code == 200


# --- Idle timeout and lifetime ---------------------------------------------------------------


def test_the_defaults_are_thirty_idle_minutes_and_twelve_hours_until_the_browser_closes(
    settings,
):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def set_clock(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_thirty_minutes_without_a_request_sign_the_user_out_with_the_reason(viewer):
    client = signed_in_client(viewer)
    set_clock(client, **{sessions.LAST_SEEN: 31 * 60})

    response = client.get(reverse("people:person_list"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "You were signed out after 30 minutes without activity." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_request_within_the_idle_time_keeps_the_session_going(viewer):
    client = signed_in_client(viewer)
    set_clock(client, **{sessions.LAST_SEEN: 29 * 60})

    assert client.get("/").status_code == 200
    assert time.time() - client.session[sessions.LAST_SEEN] < 5
    set_clock(client, **{sessions.LAST_SEEN: 29 * 60})
    assert client.get("/").status_code == 200


def test_activity_is_written_at_most_once_a_minute(viewer):
    client = signed_in_client(viewer)
    set_clock(client, **{sessions.LAST_SEEN: 10})
    before = client.session[sessions.LAST_SEEN]

    client.get("/")

    assert client.session[sessions.LAST_SEEN] == before


def test_a_session_ends_after_twelve_hours_however_busy(viewer):
    client = signed_in_client(viewer)
    set_clock(client, **{sessions.SIGNED_IN_AT: 12 * 3600 + 60, sessions.LAST_SEEN: 60})

    response = client.get("/", follow=True)

    assert "a session lasts at most 12 hours" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_idle_browser_session_is_anonymous_to_the_api(viewer):
    client = signed_in_client(viewer)
    set_clock(client, **{sessions.LAST_SEEN: 31 * 60})

    assert client.get(reverse("api:organisation-list")).status_code in (401, 403)
