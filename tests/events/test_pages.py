import datetime as dt
import json

import jsonschema
import pytest

from events.models import Conference, Hall, Room, Speaker, Track
from tests.conftest import add_session, attendee, local
from tests.events.frab_schema import SCHEMA
from ticketing import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_expo(future_expo):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    big = Room.objects.create(expo=future_expo, hall=hall, slug="r1", name="Aula", capacity=200)
    small = Room.objects.create(expo=future_expo, hall=hall, slug="r2", name="Verkstad", capacity=2)
    track = Track.objects.create(expo=future_expo, slug="green", name="Grön stad", colour="#1b5e20")
    day = future_expo.start_date + dt.timedelta(days=1)
    talk = add_session(
        future_expo, big, day, 10, capacity=None, title="Städer som andas", track=track
    )
    talk.speakers.add(Speaker.objects.create(expo=future_expo, name="Åsa Öberg-Næss"))
    workshop = add_session(
        future_expo, small, day, 11, capacity=1, title="Bygg en bikupa", kind="workshop"
    )
    other_day = add_session(
        future_expo, big, day + dt.timedelta(days=1), 10, capacity=None, title="Dag tre"
    )
    return {"day": day, "talk": talk, "workshop": workshop, "other_day": other_day, "track": track}


def test_the_programme_of_a_day_lists_its_sessions(client, future_expo, programme_expo):
    day = programme_expo["day"].isoformat()
    page = client.get(f"/expos/future/programme/?day={day}").content.decode()
    assert "Städer som andas" in page and "Bygg en bikupa" in page
    assert "Dag tre" not in page
    assert "Åsa Öberg-Næss" in page
    assert "1 seat left to book" in page


def test_filters_narrow_the_programme(client, future_expo, programme_expo):
    day = programme_expo["day"].isoformat()
    by_track = client.get(f"/expos/future/programme/?day={day}&track=green").content.decode()
    assert "Städer som andas" in by_track and "Bygg en bikupa" not in by_track
    by_kind = client.get(f"/expos/future/programme/?day={day}&kind=workshop").content.decode()
    assert "Bygg en bikupa" in by_kind and "Städer som andas" not in by_kind


def test_has_free_seats_leaves_out_a_fully_booked_session(
    client, future_expo, future_season, programme_expo
):
    ticket = services.register(future_expo, future_season, [attendee()]).tickets.get()
    services.book_session(ticket, programme_expo["workshop"])
    day = programme_expo["day"].isoformat()
    page = client.get(f"/expos/future/programme/?day={day}&free_seats=on").content.decode()
    assert "Städer som andas" in page and "Bygg en bikupa" not in page
    everything = client.get(f"/expos/future/programme/?day={day}").content.decode()
    assert "Fully booked" in everything


def test_bad_filters_are_explained_not_a_crash(client, future_expo, programme_expo):
    response = client.get("/expos/future/programme/?day=1999-01-01&kind=juggling&track=nope")
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and "The expo is not open on that day." in page


def test_the_grid_shows_rooms_as_columns(client, future_expo, programme_expo):
    day = programme_expo["day"].isoformat()
    page = client.get(f"/expos/future/programme/?day={day}&view=grid").content.decode()
    assert '<th scope="col">Aula' in page and '<th scope="col">Verkstad' in page


def test_the_busiest_day_renders_in_a_fixed_number_of_queries(
    client, future_expo, programme_expo, django_assert_max_num_queries
):
    hall = Hall.objects.get(slug="a")
    day = programme_expo["day"]
    for n in range(30):
        room = Room.objects.create(
            expo=future_expo, hall=hall, slug=f"x{n}", name=f"X{n}", capacity=9
        )
        session = add_session(future_expo, room, day, 12, capacity=5, title=f"Extra {n}")
        session.speakers.add(Speaker.objects.create(expo=future_expo, name=f"Talare {n}"))
    with django_assert_max_num_queries(8):
        client.get(f"/expos/future/programme/?day={day.isoformat()}")
    with django_assert_max_num_queries(8):
        client.get(f"/expos/future/programme/?day={day.isoformat()}&view=grid")


def test_session_conference_and_speaker_pages(client, future_expo, programme_expo):
    talk = programme_expo["talk"]
    page = client.get(f"/expos/future/sessions/{talk.pk}/").content.decode()
    assert "Städer som andas" in page and "Aula, Hall A" in page
    speaker = talk.speakers.get()
    assert (
        "Städer som andas" in client.get(f"/expos/future/speakers/{speaker.pk}/").content.decode()
    )
    conference = Conference.objects.create(
        expo=future_expo,
        slug="forum",
        name="Forum",
        start_date=programme_expo["day"],
        end_date=programme_expo["day"],
    )
    talk.conference = conference
    talk.save()
    assert "Städer som andas" in client.get("/expos/future/conferences/forum/").content.decode()
    assert client.get("/expos/future/sessions/999999/").status_code == 404


def unfold(calendar):
    return calendar.replace("\r\n ", "").split("\r\n")


def test_ics_exports_the_expo_a_day_a_track_and_a_session(client, future_expo, programme_expo):
    whole = unfold(client.get("/expos/future/schedule.ics").content.decode())
    assert whole[0] == "BEGIN:VCALENDAR" and whole[-2] == "END:VCALENDAR"
    assert whole.count("BEGIN:VEVENT") == 3
    talk = programme_expo["talk"]
    start = talk.start.astimezone(dt.UTC).strftime("DTSTART:%Y%m%dT%H%M%SZ")
    assert start in whole  # 10:00 in Stockholm, written in UTC
    day = programme_expo["day"].isoformat()
    assert (
        unfold(client.get(f"/expos/future/schedule.ics?day={day}").content.decode()).count(
            "BEGIN:VEVENT"
        )
        == 2
    )
    by_track = unfold(client.get("/expos/future/schedule.ics?track=green").content.decode())
    assert by_track.count("BEGIN:VEVENT") == 1 and "SUMMARY:Städer som andas" in by_track
    one = unfold(client.get(f"/expos/future/schedule.ics?session={talk.pk}").content.decode())
    assert one.count("BEGIN:VEVENT") == 1
    assert client.get("/expos/future/schedule.ics?day=1999-01-01").status_code == 404


def test_long_ics_lines_are_folded_without_breaking_characters(client, future_expo, programme_expo):
    talk = programme_expo["talk"]
    talk.abstract = "Åäö, ÆØ; " * 40
    talk.save()
    raw = client.get(f"/expos/future/schedule.ics?session={talk.pk}").content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert "DESCRIPTION:" + "Åäö\\, ÆØ\\; " * 40 in unfold(raw.decode())


def test_schedule_json_validates_against_the_frab_schema(client, future_expo, programme_expo):
    document = json.loads(client.get("/expos/future/schedule.json").content)
    jsonschema.validate(document, SCHEMA)
    conference = document["schedule"]["conference"]
    assert conference["time_zone_name"] == "Europe/Stockholm"
    day = next(d for d in conference["days"] if d["date"] == programme_expo["day"].isoformat())
    [event] = day["rooms"]["Aula"]
    assert event["start"] == "10:00" and event["duration"] == "01:00"
    assert event["date"] == local(programme_expo["day"], 10).isoformat()
    assert event["persons"][0]["public_name"] == "Åsa Öberg-Næss"


def test_the_home_page_says_what_is_on(client, future_expo, programme_expo):
    page = client.get("/expos/future/").content.decode()
    assert "Expo Tomorrow" in page and "Coming up" in page
    assert client.get("/expos/nowhere/").status_code == 404


def test_a_visitor_exports_their_own_booked_sessions(
    client, future_expo, future_season, programme_expo
):
    order = services.register(future_expo, future_season, [attendee()])
    services.book_session(order.tickets.get(), programme_expo["workshop"])
    response = client.get(f"/expos/future/my-tickets/{order.secret}/schedule.ics")
    assert response["Cache-Control"] == "private, no-store"
    events = unfold(response.content.decode())
    assert events.count("BEGIN:VEVENT") == 1 and "SUMMARY:Bygg en bikupa" in events
    assert client.get("/expos/future/my-tickets/not-the-secret/schedule.ics").status_code == 404
