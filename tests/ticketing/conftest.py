import datetime as dt

import pytest
from django.utils import timezone

from events import services as programme
from events.models import Expo, Hall, Room, Session
from tests.conftest import local
from ticketing import services
from ticketing.models import TicketType


def attendee(name="Åsa Öberg", email="asa@example.org", **fields):
    return services.Attendee(name=name, email=email, **fields)


@pytest.fixture
def day_ticket(expo):
    return TicketType.objects.create(expo=expo, slug="day", name="Day ticket", kind="day")


@pytest.fixture
def season_ticket(expo):
    return TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")


@pytest.fixture
def future_expo(db):
    """An expo running now, so that its sessions can still be booked."""
    today = timezone.localdate()
    return Expo.objects.create(
        slug="future",
        name="Expo Tomorrow",
        start_date=today,
        end_date=today + dt.timedelta(days=6),
        time_zone="Europe/Stockholm",
    )


@pytest.fixture
def future_day():
    return timezone.localdate() + dt.timedelta(days=2)


@pytest.fixture
def workshop_room(future_expo):
    hall = Hall.objects.create(expo=future_expo, slug="h", name="Hall Ö", capacity=1000)
    return Room.objects.create(expo=future_expo, hall=hall, slug="w", name="Verkstad", capacity=30)


def add_session(expo, room, day, hour, capacity=2, **fields):
    session = Session(
        expo=expo,
        room=room,
        title=fields.pop("title", f"Workshop {hour}"),
        start=local(day, hour),
        end=local(day, hour + 1),
        capacity=capacity,
        **fields,
    )
    return programme.save_session(session)


@pytest.fixture
def workshop(future_expo, workshop_room, future_day):
    return add_session(future_expo, workshop_room, future_day, 10, title="Bygg en bikupa")


@pytest.fixture
def future_season(future_expo):
    return TicketType.objects.create(expo=future_expo, slug="season", name="Season", kind="season")


@pytest.fixture
def holders(future_expo, future_season):
    """Five valid season tickets of the running expo, each in its own order."""
    return [
        services.register(
            future_expo, future_season, [attendee(f"Holder {n}", f"holder{n}@example.org")]
        ).tickets.get()
        for n in range(5)
    ]
