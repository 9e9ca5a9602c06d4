"""A run's grid under per-grant roles: rows the user may see but not change are read-only."""

import pytest
from django.contrib.auth.models import Group, Permission

from core import roles, testing
from training.tests.builders import trainees
from training.tests.test_run_pages import grid_data, ordered


@pytest.fixture
def run_manager(mod, run):
    """Manages the department's runs (dates, places) but not their results; keeps the results
    of another centre's runs as a Training officer there."""
    manager = Group.objects.create(name="Run manager")
    manager.permissions.set(
        Permission.objects.filter(
            codename__in=["view_courserun", "change_courserun", "view_enrolment", "view_person"]
        )
    )
    account = testing.user("manager", "Run manager", mod["department"])
    centre = testing.organisation("Another centre", mod["ministry"], kind="centre")
    testing.grant(account, roles.TRAINING_OFFICER, centre)
    return account


def test_trainees_the_user_may_not_change_are_listed_read_only_and_never_offered(
    client, mod, run, run_manager
):
    trainees(run, mod["hospital"], 2, score=75)
    client.force_login(run_manager)

    page = client.get(run.get_absolute_url())
    text = page.content.decode()

    assert text.count("data-read-only") == 2
    assert 'name="results-0-score"' not in text and "results-0-DELETE" not in text
    assert page.context["enrolled"] == 2


def test_a_posted_change_or_removal_of_such_a_trainee_is_ignored(client, mod, run, run_manager):
    trainees(run, mod["hospital"], 2, score=75)
    rows = ordered(run)
    client.force_login(run_manager)

    client.post(
        f"/training/runs/{run.pk}/results/",
        grid_data(rows, row0={"score": "10"}, row1={"DELETE": "on"}),
    )

    assert ordered(run) == rows
    assert [row.score for row in ordered(run)] == [75, 75]


def test_the_remove_box_is_offered_only_on_rows_the_user_may_delete(
    client, mod, run, training_officer
):
    trainees(run, mod["hospital"], 2)
    client.force_login(training_officer)
    assert "results-1-DELETE" in client.get(run.get_absolute_url()).content.decode()

    delete = Permission.objects.get(codename="delete_enrolment")
    Group.objects.get(name=roles.TRAINING_OFFICER).permissions.remove(delete)
    client.force_login(training_officer)
    text = client.get(run.get_absolute_url()).content.decode()

    assert 'name="results-1-score"' in text and "results-1-DELETE" not in text
