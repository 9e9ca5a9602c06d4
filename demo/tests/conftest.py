"""The demo is loaded once per test module and rolled back afterwards.

Loading takes seconds; each test then runs in its own savepoint inside the module's
transaction (pytest-django's `db`), so tests cannot disturb each other or other apps.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

DEMO_PEOPLE = 1500  # as `load_demo` makes it: the register beyond the rotations too


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", people=DEMO_PEOPLE, seed=7, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
