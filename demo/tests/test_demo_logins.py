"""demo_logins: the address and how to sign in as each demo user."""

import io

from django.core.management import call_command

from demo.catalogues import ensure_organisations
from demo.users import DEMO_USERS, ensure_demo_users


def logins():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


def test_it_prints_the_address_and_each_user_with_role_organisation_and_password(db):
    ensure_demo_users(ensure_organisations())
    text = logins()
    assert "http://127.0.0.1:8000" in text
    lines = {line.split()[0]: line for line in text.splitlines()[1:] if line.strip()}
    for demo in DEMO_USERS:
        assert demo.role in lines[demo.username]
        assert "blueberet-demo" in lines[demo.username]
    assert "MND, MPS" in lines["admin"] and "superuser" in lines["admin"]
    assert "DPKO" in lines["planner"] and "MPS" in lines["police"]
    assert "Training officer" in lines["training"] and "VPTC" in lines["training"]


def test_the_password_comes_from_demo_password(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret-77")
    users = ensure_demo_users(ensure_organisations())
    assert users["viewer"].check_password("another-secret-77")
    assert "another-secret-77" in logins()
    assert "blueberet-demo" not in logins()


def test_it_does_not_print_a_password_that_no_longer_works(db):
    users = ensure_demo_users(ensure_organisations())
    users["approver"].set_password("changed-by-the-user-1")
    users["approver"].save()
    line = next(line for line in logins().splitlines() if line.startswith("approver"))
    assert "blueberet-demo" not in line
    assert "changed" in line


def test_it_says_when_the_demo_is_not_loaded(db):
    assert "load_demo" in logins()
