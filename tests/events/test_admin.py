"""The organisers' back office: every page renders, and sessions keep the programme's rules."""

import datetime as dt
import types
import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import (
    Conference,
    Expo,
    Hall,
    OpeningDay,
    Room,
    Session,
    Speaker,
    Track,
    Venue,
)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
DAY = dt.date(2026, 6, 2)

pytestmark = pytest.mark.django_db


def at(hour, minute=0, day=DAY, tz=STOCKHOLM):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def schedule(expo, room, start, end, speakers=(), **fields):
    session = Session(expo=expo, planned_room=room, planned_start=start, planned_end=end, **fields)
    return services.save_session(session, speakers=speakers)


@pytest.fixture
def programme():
    """Expo A with two halls, three rooms and two sessions; expo B with one of its own."""
    expo = Expo.objects.create(
        slug="city-expo",
        name="Malmö City Expo",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 3),
        time_zone="Europe/Stockholm",
    )
    venue = Venue.objects.create(expo=expo, name="Malmömässan", address="Mässgatan 6")
    hall = Hall.objects.create(expo=expo, venue=venue, slug="a", name="Hall A", capacity=2000)
    hall_b = Hall.objects.create(expo=expo, slug="b", name="Hall B", capacity=500)
    room = Room.objects.create(expo=expo, hall=hall, slug="a1", name="Room A1", capacity=120)
    room_2 = Room.objects.create(expo=expo, hall=hall, slug="a2", name="Room A2", capacity=80)
    room_b = Room.objects.create(expo=expo, hall=hall_b, slug="b1", name="Room B1", capacity=40)
    track = Track.objects.create(expo=expo, slug="smart-city", name="Smart city")
    conference = Conference.objects.create(
        expo=expo,
        slug="climate",
        name="Climate summit",
        start_date=DAY,
        end_date=DAY,
    )
    asa = Speaker.objects.create(expo=expo, name="Åsa Öberg", organisation="Malmö stad")
    jonas = Speaker.objects.create(expo=expo, name="Jonas Lind")
    opening_day = OpeningDay.objects.create(
        expo=expo, date=dt.date(2026, 6, 3), closes_at=dt.time(17), note="Short Wednesday"
    )
    talk = schedule(
        expo,
        room,
        at(10),
        at(11),
        speakers=[asa],
        title="Gröna tak i Malmö",
        abstract="Sedum roofs and rain water.",
        track=track,
        conference=conference,
    )
    workshop = schedule(
        expo,
        room_b,
        at(10),
        at(12),
        speakers=[jonas],
        title="Bike repair",
        kind=Session.Kind.WORKSHOP,
        language="sv",
    )

    other = Expo.objects.create(
        slug="other-expo",
        name="Other Expo",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 3),
        time_zone="Europe/Stockholm",
    )
    other_hall = Hall.objects.create(expo=other, slug="x", name="Hall X", capacity=100)
    other_room = Room.objects.create(
        expo=other, hall=other_hall, slug="x1", name="Room X1", capacity=50
    )
    secret = schedule(other, other_room, at(10), at(11), title="Secret session of B")

    return types.SimpleNamespace(
        expo=expo,
        venue=venue,
        hall=hall,
        hall_b=hall_b,
        room=room,
        room_2=room_2,
        room_b=room_b,
        track=track,
        conference=conference,
        speaker=asa,
        asa=asa,
        jonas=jonas,
        openingday=opening_day,
        session=talk,
        talk=talk,
        workshop=workshop,
        other=other,
        other_room=other_room,
        secret=secret,
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def organiser_client(client, django_user_model, programme):
    """A staff member who organises expo A only, with the usual permissions on the programme."""
    user = django_user_model.objects.create_user("olga", password="pw-olga-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="events"))
    programme.expo.organisers.add(user)
    client.force_login(user)
    return client


MODELS = [
    "expo",
    "venue",
    "hall",
    "room",
    "track",
    "conference",
    "speaker",
    "openingday",
    "session",
]


def url(model, view="changelist", *args):
    return reverse(f"admin:events_{model}_{view}", args=args)


def session_data(programme, **overrides):
    data = {
        "expo": programme.expo.pk,
        "title": "Solar streets",
        "abstract": "",
        "kind": "talk",
        "language": "en",
        "planned_room": programme.room.pk,
        "planned_start_0": "2026-06-02",
        "planned_start_1": "14:00",
        "planned_end_0": "2026-06-02",
        "planned_end_1": "15:00",
        "capacity": "",
        "track": "",
        "conference": "",
        "speakers": [programme.asa.pk, programme.jonas.pk],
        "_save": "Save",
    }
    data.update(overrides)
    return data


def listed(response):
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("model", MODELS)
def test_every_list_renders(superuser_client, programme, model):
    assert superuser_client.get(url(model)).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_every_add_page_renders(superuser_client, programme, model):
    assert superuser_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_every_change_page_renders(superuser_client, programme, model):
    obj = programme.expo if model == "expo" else getattr(programme, model)
    response = superuser_client.get(url(model, "change", obj.pk))
    assert response.status_code == 200


def test_the_expo_page_edits_halls_tracks_and_opening_days(superuser_client, programme):
    response = superuser_client.get(url("expo", "change", programme.expo.pk))
    content = response.content.decode()
    for text in ("Hall A", "Smart city", "Short Wednesday"):
        assert text in content


def test_the_session_list_shows_the_hall_and_the_local_times(superuser_client, programme):
    content = superuser_client.get(url("session")).content.decode()
    assert "Hall B" in content
    assert "2026-06-02 10:00" in content
    assert "12:00" in content


def test_the_session_list_costs_the_same_queries_for_more_sessions(superuser_client, programme):
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url("session"))
    for hour in (13, 15, 17):
        schedule(
            programme.expo,
            programme.room_2,
            at(hour),
            at(hour + 1),
            speakers=[programme.jonas],
            title=f"At {hour}",
            track=programme.track,
            conference=programme.conference,
        )
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url("session"))
    assert len(listed(response)) == 6
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("term", "expected"),
    [("gröna", ["talk"]), ("rain water", ["talk"]), ("Jonas", ["workshop"]), ("nothing", [])],
    ids=["title", "abstract", "speaker", "no-match"],
)
def test_the_session_list_searches(superuser_client, programme, term, expected):
    response = superuser_client.get(url("session"), {"q": term})
    assert listed(response) == [getattr(programme, name) for name in expected]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda p: {"kind__exact": "workshop"}, ["workshop"]),
        (lambda p: {"language__exact": "sv"}, ["workshop"]),
        (lambda p: {"track__id__exact": p.track.pk}, ["talk"]),
        (lambda p: {"conference__id__exact": p.conference.pk}, ["talk"]),
        (lambda p: {"planned_room__hall__id__exact": p.hall_b.pk}, ["workshop"]),
        (lambda p: {"expo__id__exact": p.other.pk}, ["secret"]),
        (
            lambda p: {
                "planned_start__year": "2026",
                "planned_start__month": "6",
                "planned_start__day": "2",
            },
            None,
        ),
    ],
    ids=["kind", "language", "track", "conference", "hall", "expo", "date"],
)
def test_the_session_list_filters(superuser_client, programme, params, expected):
    response = superuser_client.get(url("session"), params(programme))
    assert response.status_code == 200
    if expected is None:
        expected = ["talk", "workshop", "secret"]
    assert set(listed(response)) == {getattr(programme, name) for name in expected}


def test_a_valid_session_is_added_with_its_speakers(superuser_client, programme):
    response = superuser_client.post(url("session", "add"), session_data(programme))
    assert response.status_code == 302
    session = Session.objects.get(title="Solar streets")
    assert session.planned_start == at(14)
    assert session.planned_end == at(15)
    assert set(session.speakers.all()) == {programme.asa, programme.jonas}


def test_the_admin_saves_a_session_through_the_service(superuser_client, programme, monkeypatch):
    calls = []
    save_session = services.save_session

    def spy(session, *, speakers=None):
        calls.append((session.title, set(speakers)))
        return save_session(session, speakers=speakers)

    monkeypatch.setattr(services, "save_session", spy)
    superuser_client.post(url("session", "add"), session_data(programme))
    assert calls == [("Solar streets", {programme.asa, programme.jonas})]


def test_a_session_clashing_in_its_room_is_refused(superuser_client, programme):
    data = session_data(programme, planned_start_1="10:30", planned_end_1="11:30", speakers=[])
    response = superuser_client.post(url("session", "add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    message = form.non_field_errors()[0]
    assert "Room A1 is taken at that time by “Gröna tak i Malmö”" in message
    assert "Room A1 is taken" in response.content.decode()
    assert not Session.objects.filter(title="Solar streets").exists()


def test_a_speaker_cannot_be_booked_twice_at_once(superuser_client, programme):
    data = session_data(
        programme, room=programme.room_2.pk, planned_start_1="10:30", planned_end_1="11:30"
    )
    response = superuser_client.post(url("session", "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("Åsa Öberg speaks in" in error for error in errors)
    assert not Session.objects.filter(title="Solar streets").exists()


def test_a_session_outside_opening_hours_is_refused_at_its_start(superuser_client, programme):
    data = session_data(programme, planned_start_1="07:00", planned_end_1="08:00")
    response = superuser_client.post(url("session", "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "09:00" in errors["planned_start"][0]
    assert not Session.objects.filter(title="Solar streets").exists()


def test_a_session_ending_before_it_starts_gets_one_message(superuser_client, programme):
    data = session_data(programme, planned_start_1="15:00", planned_end_1="14:00")
    response = superuser_client.post(url("session", "add"), data)
    form = response.context["adminform"].form
    assert form.errors["planned_end"] == ["A session must end after it starts."]
    assert not form.non_field_errors()


def test_a_session_is_changed_in_its_own_slot(superuser_client, programme):
    talk = programme.talk
    data = session_data(
        programme,
        title="Gröna tak",
        planned_start_1="10:00",
        planned_end_1="11:30",
        speakers=[programme.asa.pk],
    )
    del data["expo"]  # Fixed once the session exists.
    response = superuser_client.post(url("session", "change", talk.pk), data)
    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.title, talk.planned_end) == ("Gröna tak", at(11, 30))
    assert list(talk.speakers.all()) == [programme.asa]


def test_moving_a_session_onto_another_is_refused(superuser_client, programme):
    workshop = programme.workshop
    data = session_data(
        programme,
        title="Bike repair",
        planned_start_1="10:00",
        planned_end_1="11:00",
        speakers=[programme.jonas.pk],
    )
    del data["expo"]
    response = superuser_client.post(url("session", "change", workshop.pk), data)
    assert response.status_code == 200
    workshop.refresh_from_db()
    assert workshop.planned_room == programme.room_b


def test_deleting_a_session_in_the_admin(superuser_client, programme):
    response = superuser_client.post(url("session", "delete", programme.talk.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Session.objects.filter(pk=programme.talk.pk).exists()


def test_times_are_on_the_expos_clock(superuser_client, programme):
    expo = programme.expo
    expo.time_zone = "Europe/Helsinki"
    expo.save()
    response = superuser_client.post(url("session", "add"), session_data(programme))
    assert response.status_code == 302
    session = Session.objects.get(title="Solar streets")
    assert session.planned_start == at(14, tz=HELSINKI)
    page = superuser_client.get(url("session", "change", session.pk)).content.decode()
    assert 'name="planned_start_1" value="14:00:00"' in page


def test_a_hall_is_added_with_rooms_of_its_expo(superuser_client, programme):
    data = {
        "expo": programme.expo.pk,
        "name": "Hall C",
        "slug": "c",
        "venue": "",
        "capacity": "300",
        "rooms-TOTAL_FORMS": "2",
        "rooms-INITIAL_FORMS": "0",
        "rooms-MIN_NUM_FORMS": "0",
        "rooms-MAX_NUM_FORMS": "1000",
        "rooms-0-name": "Room C1",
        "rooms-0-slug": "c1",
        "rooms-0-capacity": "30",
        "rooms-1-name": "Room C2",
        "rooms-1-slug": "c2",
        "rooms-1-capacity": "20",
        "_save": "Save",
    }
    response = superuser_client.post(url("hall", "add"), data)
    assert response.status_code == 302
    hall = Hall.objects.get(slug="c")
    assert {(room.slug, room.expo) for room in hall.rooms.all()} == {
        ("c1", programme.expo),
        ("c2", programme.expo),
    }


def test_a_rooms_short_name_is_unique_in_its_expo(superuser_client, programme):
    hall = programme.hall_b
    data = {
        "name": "Hall B",
        "slug": "b",
        "venue": "",
        "capacity": "500",
        "rooms-TOTAL_FORMS": "2",
        "rooms-INITIAL_FORMS": "1",
        "rooms-MIN_NUM_FORMS": "0",
        "rooms-MAX_NUM_FORMS": "1000",
        "rooms-0-id": programme.room_b.pk,
        "rooms-0-hall": hall.pk,
        "rooms-0-name": "Room B1",
        "rooms-0-slug": "b1",
        "rooms-0-capacity": "40",
        "rooms-1-name": "Another A1",
        "rooms-1-slug": "a1",
        "rooms-1-capacity": "20",
        "_save": "Save",
    }
    response = superuser_client.post(url("hall", "change", hall.pk), data)
    assert response.status_code == 200
    assert "The expo has another room with this short name." in response.content.decode()
    assert hall.rooms.count() == 1


def test_an_organiser_sees_only_their_expos_sessions(organiser_client, programme):
    response = organiser_client.get(url("session"))
    assert response.status_code == 200
    assert set(listed(response)) == {programme.talk, programme.workshop}
    assert "Secret session of B" not in response.content.decode()
    assert "Other Expo" not in response.content.decode()  # Not even in the filters.


def test_an_organiser_cannot_open_another_expos_session(organiser_client, programme):
    response = organiser_client.get(url("session", "change", programme.secret.pk))
    assert response.status_code == 404


def test_an_organiser_sees_only_their_expos(organiser_client, programme):
    assert listed(organiser_client.get(url("expo"))) == [programme.expo]
    assert set(listed(organiser_client.get(url("room")))) == {
        programme.room,
        programme.room_2,
        programme.room_b,
    }


def test_an_organiser_cannot_add_a_session_to_another_expo(organiser_client, programme):
    data = session_data(programme, expo=programme.other.pk, planned_room=programme.other_room.pk)
    data["speakers"] = []
    response = organiser_client.post(url("session", "add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.errors) == {"expo", "planned_room"}
    assert not Session.objects.filter(title="Solar streets").exists()


def test_an_organisers_autocomplete_offers_only_their_rooms(organiser_client, programme):
    response = organiser_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "events",
            "model_name": "session",
            "field_name": "planned_room",
            "term": "Room",
        },
    )
    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"Room A1", "Room A2", "Room B1"}


def test_an_organiser_who_adds_an_expo_organises_it(organiser_client, programme):
    data = {
        "name": "Winter Expo",
        "slug": "winter",
        "description": "",
        "start_date": "2026-12-01",
        "end_date": "2026-12-03",
        "time_zone": "Europe/Stockholm",
        "opens_at": "09:00",
        "closes_at": "21:00",
        "languages": '["en", "sv"]',
        "halls-TOTAL_FORMS": "0",
        "halls-INITIAL_FORMS": "0",
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "opening_days-TOTAL_FORMS": "0",
        "opening_days-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = organiser_client.post(url("expo", "add"), data)
    assert response.status_code == 302
    assert listed(organiser_client.get(url("expo"))) == [
        Expo.objects.get(slug="winter"),
        programme.expo,
    ]
