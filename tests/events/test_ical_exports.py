import icalendar
import pytest

from events.models import Session
from tests.conftest import attendee
from ticketing import services

from . import test_pages

pytestmark = pytest.mark.django_db

programme_expo = test_pages.programme_expo  # the same fixture

INJECTED = "\rEND:VEVENT\rBEGIN:VEVENT\rUID:forged\rSUMMARY:Free beer\rX-INJECTED:1"


def lines(raw):
    return raw.replace(b"\r\n ", b"").split(b"\r\n")


def assert_not_injected(raw, events):
    calendar = icalendar.Calendar.from_ical(raw)
    assert len(calendar.walk("VEVENT")) == events
    assert all(event["UID"] != "forged" for event in calendar.walk("VEVENT"))
    assert not any(b"X-INJECTED" in line.split(b":")[0] for line in lines(raw))
    assert not any(line.startswith((b"UID:forged", b"SUMMARY:Free beer")) for line in lines(raw))
    assert b"\r" not in raw.replace(b"\r\n", b"")  # no lone carriage return anywhere
    return calendar


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_a_line_break_in_the_track_parameter_cannot_add_properties_or_events(
    client, future_expo, programme_expo, newline
):
    track = "green" + INJECTED.replace("\r", newline)
    raw = client.get("/expos/future/schedule.ics", {"track": track}).content
    assert_not_injected(raw, events=0)
    written = track.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    assert f"X-WR-CALNAME:{future_expo.name}: {written}".encode() in lines(raw)


def test_a_line_break_in_a_title_stays_inside_the_summary(client, future_expo, programme_expo):
    talk = programme_expo["talk"]
    Session.objects.filter(pk=talk.pk).update(
        title="Städer som andas" + INJECTED, abstract="Rad ett\rRad två"
    )
    raw = client.get("/expos/future/schedule.ics").content
    calendar = assert_not_injected(raw, events=3)
    [event] = [e for e in calendar.walk("VEVENT") if e["SUMMARY"].startswith("Städer")]
    assert event["SUMMARY"].count("\n") == INJECTED.count("\r")
    assert event["DESCRIPTION"] == "Rad ett\nRad två"


def test_the_visitors_own_calendar_is_written_the_same_way(
    client, future_expo, future_season, programme_expo
):
    workshop = programme_expo["workshop"]
    order = services.register(future_expo, future_season, [attendee()])
    services.book_session(order.tickets.get(), workshop)
    Session.objects.filter(pk=workshop.pk).update(title="Bikupa" + INJECTED)
    raw = client.get(f"/expos/future/my-tickets/{order.secret}/schedule.ics").content
    [event] = assert_not_injected(raw, events=1).walk("VEVENT")
    assert event["SUMMARY"].startswith("Bikupa\n")
