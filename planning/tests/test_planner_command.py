"""`manage.py plan_rotation`: a summary, the whole proposal as JSON, progress, clear refusals."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import roles, testing
from planning.models import Requirement
from planning.planner.testing import candidate, table_rotation

pytestmark = pytest.mark.usefixtures("no_requirements")


@pytest.fixture
def rotation(mod):
    Requirement.objects.create(kind="medical", source="UN medical manual")
    unit = mod["hospital"]
    made = table_rotation(
        unit, [("Officer", 2, None, None, None, None), ("Interpreter", 1, None, None, None, 5)]
    )
    candidate(unit, "Senior Officer", service_start=datetime.date(2000, 1, 1))
    candidate(unit, "Junior Officer", service_start=datetime.date(2020, 1, 1))
    candidate(unit, "Almost Interpreter", english=4)
    return made


def test_it_writes_the_whole_proposal_as_json_and_a_summary(rotation, tmp_path):
    out, err = StringIO(), StringIO()
    path = tmp_path / "plan.json"

    call_command("plan_rotation", str(rotation.pk), "--json", str(path), stdout=out, stderr=err)

    proposal = json.loads(path.read_text(encoding="utf-8"))
    rows = {row["number"]: row for row in proposal["positions"]}
    # Officers: the longest service first (the interpreter-to-be has 16 years, the junior 6).
    assert {rows[1]["person"]["name"], rows[2]["person"]["name"]} == {
        "Senior Officer",
        "Almost Interpreter",
    }
    gap = rows[3]["gap"]
    assert rows[3]["person"] is None
    nearest = {n["name"]: n for n in gap["nearest"]}
    assert nearest["Almost Interpreter"]["lacks"] == ["English B2; C1 required"]
    assert nearest["Almost Interpreter"]["proposed_for"].endswith(f"Officer of {rotation}")
    assert nearest["Junior Officer"]["lacks"] == ["no English recorded; C1 required"]
    assert proposal["figures"]["proven"] is True
    assert proposal["figures"]["objective"] >= proposal["figures"]["greedy_objective"]
    assert proposal["rotations"][0]["id"] == rotation.pk
    assert "2 of 3 open positions proposed" in out.getvalue()
    assert "Loading the pool" in err.getvalue() and "whole run" in err.getvalue()


def test_it_plans_with_a_users_pool_and_weights(rotation, mps):
    outsider = testing.user("police-planner", roles.PLANNER, mps["ministry"])
    out = StringIO()

    with pytest.raises(CommandError, match="No rotation"):
        call_command("plan_rotation", str(rotation.pk), "--user", outsider.username)
    call_command(
        "plan_rotation", str(rotation.pk), "--weight", "experience=0", "--json", "-", stdout=out
    )

    proposal = json.loads(out.getvalue())
    assert proposal["weights"]["experience"] == 0


def test_it_refuses_bad_input_with_a_message(rotation):
    with pytest.raises(CommandError, match="No rotation"):
        call_command("plan_rotation", "999999")
    with pytest.raises(CommandError, match="Unknown weight"):
        call_command("plan_rotation", str(rotation.pk), "--weight", "luck=3")
    with pytest.raises(CommandError, match="is not an open position"):
        call_command("plan_rotation", str(rotation.pk), "--lock", "999999=1")
