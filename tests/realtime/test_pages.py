import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Hall
from ticketing import selectors, services
from ticketing.models import ScanPoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")


@pytest.fixture
def hall(future_expo):
    return Hall.objects.create(expo=future_expo, slug="b", name="Hall B", capacity=10)


def test_the_dashboard_is_for_organisers(client, future_expo):
    assert client.get("/expos/future/live/").status_code == 302  # to the sign-in page
    visitor = get_user_model().objects.create_user("vera", password="pw-vera-123")
    client.force_login(visitor)
    assert client.get("/expos/future/live/").status_code == 403


def test_the_dashboard_shows_the_figures_it_starts_from(client, future_expo, holders, gate, hall):
    organiser = get_user_model().objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(organiser)
    for ticket in holders[:3]:
        services.check_in(ticket.code, gate, "in")
    client.force_login(organiser)
    page = client.get("/expos/future/live/").content.decode()
    assert 'id="on-site">3<' in page and 'id="entries-today">3<' in page
    assert "Hall B" in page and "/ws/expos/future/attendance/" in page


def test_entries_by_hour_count_finished_hours_from_the_rows_and_the_hour_under_way_live(
    future_expo, holders, gate, monkeypatch
):
    today = future_expo.local_day(timezone.now())
    nine = dt.datetime.combine(today, dt.time(9, 10), future_expo.tz)
    monkeypatch.setattr(timezone, "now", lambda: nine)
    services.check_in(holders[0].code, gate, "in")
    services.check_in(holders[1].code, gate, "in")
    ten = nine + dt.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: ten)
    services.check_in(holders[2].code, gate, "in")
    attendance = selectors.attendance(future_expo)
    assert attendance["entries_by_hour"] == [
        {"hour": "09:00", "entries": 2},
        {"hour": "10:00", "entries": 1},
    ]
    services.check_in(holders[3].code, gate, "in")  # the 09:00 hour is remembered now
    assert selectors.attendance(future_expo)["entries_by_hour"][-1] == {
        "hour": "10:00",
        "entries": 2,
    }


def test_the_crowding_feed_is_coarse_and_public(future_expo, holders, hall):
    door = ScanPoint.objects.create(expo=future_expo, slug="b", name="B", kind="hall", hall=hall)
    quiet = Hall.objects.create(expo=future_expo, slug="c", name="Hall C", capacity=100)
    for ticket in holders[:5]:
        services.check_in(ticket.code, door, "in")
    hall.capacity = 6  # 5 of 6 inside: over 60 %
    hall.save()
    response = APIClient().get("/api/v1/expos/future/crowding/")
    assert response.status_code == 200
    assert "max-age=30" in response["Cache-Control"]
    levels = {row["slug"]: row["level"] for row in response.json()["halls"]}
    assert levels == {"b": "busy", quiet.slug: "quiet"}
    assert "occupancy" not in response.content.decode()
    hall.capacity = 5
    hall.save()
    assert APIClient().get("/api/v1/expos/future/crowding/").json()["halls"][0]["level"] == "full"
