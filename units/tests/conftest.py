"""Builders of the units tests: deployments in a chosen state, made directly."""

import pytest

from core import testing
from deployments.models import Deployment


@pytest.fixture
def fill(mod):
    """Put a new person of `sex` in `position` with a deployment in `state`."""

    def fill_position(position, state="nominated", sex="M", name="Trần Văn Bình"):
        rotation = position.rotation
        person = testing.person(mod["hospital"], name, sex=sex, rank=testing.rank())
        return Deployment.objects.create(
            person=person,
            position=position,
            state=state,
            starts_on=rotation.planned_departure,
            ends_on=rotation.planned_return,
        )

    return fill_position
