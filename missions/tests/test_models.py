"""Rules of missions and their locations."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core import testing
from missions.models import Location, Mission, active_on


def test_it_refuses_a_mission_that_ends_before_it_starts(db):
    mission = testing.mission("UNISFA", started_on=datetime.date(2011, 6, 27))
    mission.ended_on = datetime.date(2010, 1, 1)
    with pytest.raises(ValidationError) as caught:
        mission.full_clean()
    assert caught.value.message_dict["ended_on"] == ["A mission cannot end before it starts."]


def test_it_puts_a_duplicate_location_on_the_name_field(db):
    mission = testing.mission()
    Location.objects.create(mission=mission, name="Bentiu")
    twin = Location(mission=mission, name="bentiu")
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert caught.value.message_dict == {
        "name": ["This mission already has a location of this name."]
    }


def test_two_missions_may_each_have_a_location_of_the_same_name(db):
    Location.objects.create(mission=testing.mission("UNMISS"), name="Headquarters")
    Location(mission=testing.mission("UNISFA"), name="Headquarters").full_clean()


def test_a_mission_is_active_until_the_day_it_ends(db):
    ended = testing.mission("UNMIL", ended_on=datetime.date(2018, 3, 30))
    running = testing.mission("UNMISS")
    day = datetime.date(2018, 3, 30)
    assert list(Mission.objects.filter(active_on(day))) == [ended, running]
    later = day + datetime.timedelta(days=1)
    assert list(Mission.objects.filter(active_on(later))) == [running]
