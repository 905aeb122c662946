import datetime as dt

import pytest

from events import services
from events.models import Session
from tests.conftest import local

DAY = dt.date(2026, 6, 2)  # a Tuesday of the ``expo`` fixture, open 09:00–21:00


def unscheduled(expo, title="Gröna tak", minutes=60, **fields):
    """A session in the tray, as an accepted proposal becomes one."""
    speakers = fields.pop("speakers", None)
    return services.save_session(
        Session(expo=expo, title=title, minutes=minutes, **fields), speakers=speakers
    )


def planned(expo, room, hour, minute=0, day=DAY, **fields):
    session = unscheduled(expo, **fields)
    return services.plan_session(session, room=room, start=local(day, hour, minute))


@pytest.fixture
def tray_session(expo, track, speaker):
    return unscheduled(expo, track=track, speakers=[speaker])
