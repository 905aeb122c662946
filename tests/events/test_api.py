import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import services
from events.models import Expo, Hall, Room, Session
from tests.conftest import local, released

DAY = dt.date(2026, 6, 2)


@pytest.fixture
def session(expo, room, speaker, track):
    return released(
        services.save_session(
            Session(
                expo=expo,
                planned_room=room,
                track=track,
                title="Gröna tak",
                planned_start=local(DAY, 10),
                planned_end=local(DAY, 11),
            ),
            speakers=[speaker],
        )
    )


def session_body(**fields):
    return {
        "title": "Bostäder för alla",
        "room": "a1",
        "start": "2026-06-02T13:00:00+02:00",
        "end": "2026-06-02T14:00:00+02:00",
        **fields,
    }


# Expos


def test_anyone_lists_expos_with_halls_and_rooms(api, room):
    response = api.get("/api/v1/expos/")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    expo = response.json()["results"][0]
    assert expo["slug"] == "city-expo"
    assert expo["time_zone"] == "Europe/Stockholm"
    assert expo["halls"] == [
        {"slug": "hall-a", "name": "Hall A", "name_translations": {}, "capacity": 2000}
    ]
    assert expo["rooms"] == [
        {
            "slug": "a1",
            "name": "Room A1",
            "name_translations": {},
            "hall": "hall-a",
            "capacity": 120,
        }
    ]


def test_an_unknown_expo_is_404(api, db):
    assert api.get("/api/v1/expos/nowhere/").status_code == 404


def test_creating_an_expo_needs_the_permission(api, organiser_api, db):
    body = {"slug": "new", "name": "New", "start_date": "2026-08-01", "end_date": "2026-08-03"}
    assert api.post("/api/v1/expos/", body, format="json").status_code in (401, 403)
    assert organiser_api.post("/api/v1/expos/", body, format="json").status_code == 403
    assert not Expo.objects.filter(slug="new").exists()


def test_a_superuser_creates_an_expo_and_organises_it(django_user_model, db):
    admin = django_user_model.objects.create_superuser("root", password="pw-root-123")
    client = APIClient()
    client.force_authenticate(admin)
    body = {
        "slug": "new",
        "name": "New",
        "start_date": "2026-08-01",
        "end_date": "2026-08-03",
        "languages": ["sv", "fi"],
    }
    response = client.post("/api/v1/expos/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Expo.objects.get(slug="new").organisers.filter(pk=admin.pk).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"end_date": "2026-05-01"}, "end_date"),
        ({"languages": ["xx"]}, "languages"),
        ({"start_date": "first of June"}, "start_date"),
    ],
)
def test_bad_expo_changes_are_400_on_their_field(organiser_api, expo, change, field):
    response = organiser_api.patch("/api/v1/expos/city-expo/", change, format="json")
    assert response.status_code == 400
    assert field in response.json()
    expo.refresh_from_db()
    assert expo.time_zone == "Europe/Stockholm" and expo.end_date == dt.date(2026, 6, 7)


def test_only_organisers_change_an_expo(api, django_user_model, expo, organiser_api):
    stranger = django_user_model.objects.create_user("sten", password="pw-sten-123")
    api.force_authenticate(stranger)
    assert api.patch("/api/v1/expos/city-expo/", {"name": "X"}, format="json").status_code == 403
    response = organiser_api.patch("/api/v1/expos/city-expo/", {"name": "Malmö Expo"})
    assert response.status_code == 200
    assert response.json()["name"] == "Malmö Expo"


# Halls and rooms


def test_an_organiser_adds_a_hall(organiser_api, expo):
    body = {"slug": "hall-b", "name": "Hall B", "capacity": 1500}
    response = organiser_api.post("/api/v1/expos/city-expo/halls/", body, format="json")
    assert response.status_code == 201
    assert Hall.objects.get(expo=expo, slug="hall-b").capacity == 1500


def test_visitors_cannot_add_halls(api, expo):
    body = {"slug": "hall-b", "name": "Hall B", "capacity": 1500}
    assert api.post("/api/v1/expos/city-expo/halls/", body).status_code in (401, 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "hall-a", "name": "Again", "capacity": 10}, "slug"),
        ({"slug": "hall-c", "name": "Empty", "capacity": 0}, "capacity"),
        ({"slug": "hall c", "name": "Bad slug", "capacity": 10}, "slug"),
        ({"slug": "hall-c", "capacity": 10}, "name"),
    ],
)
def test_bad_halls_are_400_on_their_field(organiser_api, hall, body, field):
    response = organiser_api.post("/api/v1/expos/city-expo/halls/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Hall.objects.count() == 1


def test_a_room_names_its_hall_by_slug_within_the_expo(organiser_api, hall, other_expo):
    Hall.objects.create(expo=other_expo, slug="far", name="Far away", capacity=10)
    ok = {"slug": "a3", "name": "Room A3", "hall": "hall-a", "capacity": 40}
    response = organiser_api.post("/api/v1/expos/city-expo/rooms/", ok, format="json")
    assert response.status_code == 201
    foreign = {**ok, "slug": "a4", "hall": "far"}
    response = organiser_api.post("/api/v1/expos/city-expo/rooms/", foreign, format="json")
    assert response.status_code == 400
    assert "hall" in response.json()


def test_a_room_with_sessions_cannot_be_deleted(organiser_api, session):
    response = organiser_api.delete("/api/v1/expos/city-expo/rooms/a1/")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert Room.objects.filter(slug="a1").exists()


def test_halls_of_an_expo_are_listed(api, hall):
    response = api.get("/api/v1/expos/city-expo/halls/")
    assert [h["slug"] for h in response.json()["results"]] == ["hall-a"]


# Sessions


def test_sessions_are_listed_in_the_expos_time_zone(api, session):
    response = api.get("/api/v1/expos/city-expo/sessions/")
    assert response.status_code == 200
    listed = response.json()["results"][0]
    assert listed["start"] == "2026-06-02T10:00:00+02:00"
    assert listed["day"] == "2026-06-02"
    assert listed["room"] == "a1" and listed["hall"] == "hall-a"
    assert listed["track"] == "smart-city"
    assert listed["seats"] == 120
    assert listed["speakers"][0]["name"] == "Åsa Öberg"


def test_an_organiser_schedules_a_session(organiser_api, room, speaker, track):
    body = session_body(speakers=[speaker.pk], track="smart-city", kind="workshop")
    response = organiser_api.post("/api/v1/expos/city-expo/sessions/", body, format="json")
    assert response.status_code == 201, response.json()
    created = Session.objects.get(pk=response.json()["id"])
    assert list(created.speakers.all()) == [speaker]
    assert created.kind == "workshop"


def test_a_time_without_offset_is_local_to_the_expo(organiser_api, room):
    body = session_body(start="2026-06-02T13:00", end="2026-06-02T14:00")
    response = organiser_api.post("/api/v1/expos/city-expo/sessions/", body, format="json")
    assert response.status_code == 201
    assert Session.objects.get().planned_start == local(DAY, 13)


def test_a_room_clash_is_409_naming_the_other_session(organiser_api, session):
    body = session_body(start="2026-06-02T10:30:00+02:00", end="2026-06-02T11:30:00+02:00")
    response = organiser_api.post("/api/v1/expos/city-expo/sessions/", body, format="json")
    assert response.status_code == 409
    answer = response.json()
    assert answer["code"] == "room_busy"
    assert "Gröna tak" in answer["detail"]
    assert answer["session"] == session.pk
    assert Session.objects.count() == 1


def test_a_speaker_clash_is_409(organiser_api, session, other_room, speaker):
    body = session_body(
        room="a2",
        speakers=[speaker.pk],
        start="2026-06-02T10:30:00+02:00",
        end="2026-06-02T11:30:00+02:00",
    )
    response = organiser_api.post("/api/v1/expos/city-expo/sessions/", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "speaker_busy"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"room": "nowhere"}, "room"),
        ({"title": ""}, "title"),
        ({"end": "2026-06-02T12:00:00+02:00"}, "end"),
        ({"start": "2026-06-02T07:00:00+02:00", "end": "2026-06-02T08:00:00+02:00"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"kind": "party"}, "kind"),
        ({"capacity": 500}, "capacity"),
        ({"speakers": [999999]}, "speakers"),
        ({"track": "nope"}, "track"),
    ],
)
def test_bad_sessions_are_400_on_their_field(organiser_api, room, change, field):
    response = organiser_api.post(
        "/api/v1/expos/city-expo/sessions/", session_body(**change), format="json"
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Session.objects.count() == 0


def test_visitors_cannot_schedule(api, room):
    response = api.post("/api/v1/expos/city-expo/sessions/", session_body(), format="json")
    assert response.status_code in (401, 403)
    assert Session.objects.count() == 0


def test_sessions_filter_by_day_room_and_track(api, session, other_room, expo):
    released(
        services.save_session(
            Session(
                expo=expo,
                planned_room=other_room,
                title="Annat",
                planned_start=local(DAY + dt.timedelta(1), 10),
                planned_end=local(DAY + dt.timedelta(1), 11),
            )
        )
    )
    url = "/api/v1/expos/city-expo/sessions/"
    assert [s["title"] for s in api.get(url, {"day": "2026-06-02"}).json()["results"]] == [
        "Gröna tak"
    ]
    assert [s["title"] for s in api.get(url, {"room": "a2"}).json()["results"]] == ["Annat"]
    assert [s["title"] for s in api.get(url, {"track": "smart-city"}).json()["results"]] == [
        "Gröna tak"
    ]
    assert api.get(url).json()["count"] == 2


@pytest.mark.parametrize(("param", "value"), [("day", "2026-13-01"), ("room", "nowhere")])
def test_bad_filters_are_400(api, session, param, value):
    response = api.get("/api/v1/expos/city-expo/sessions/", {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_one_session_is_read_changed_and_deleted(api, organiser_api, session):
    url = f"/api/v1/sessions/{session.pk}/"
    assert api.get(url).json()["title"] == "Gröna tak"
    response = organiser_api.patch(url, {"title": "Gröna tak och väggar"}, format="json")
    assert response.status_code == 200
    assert organiser_api.delete(url).status_code == 204
    assert not Session.objects.exists()


def test_moving_a_session_onto_another_is_409_and_changes_nothing(
    organiser_api, session, expo, room
):
    later = services.save_session(
        Session(
            expo=expo,
            planned_room=room,
            title="Later",
            planned_start=local(DAY, 14),
            planned_end=local(DAY, 15),
        )
    )
    response = organiser_api.patch(
        f"/api/v1/sessions/{later.pk}/",
        {"start": "2026-06-02T10:30:00+02:00", "end": "2026-06-02T11:30:00+02:00"},
        format="json",
    )
    assert response.status_code == 409
    later.refresh_from_db()
    assert later.planned_start == local(DAY, 14)


def test_the_public_reads_the_release_and_organisers_the_plan(api, organiser_api, session):
    moved = services.plan_session(session, room=session.room, start=local(DAY, 15))
    services.save_session(
        Session(
            expo=session.expo,
            title="Not yet",
            planned_room=session.room,
            planned_start=local(DAY, 12),
            planned_end=local(DAY, 13),
        )
    )
    url = "/api/v1/expos/city-expo/sessions/"
    public = api.get(url).json()["results"]
    assert [(s["title"], s["start"]) for s in public] == [
        ("Gröna tak", "2026-06-02T10:00:00+02:00")
    ]
    assert api.get(f"/api/v1/sessions/{moved.pk}/").json()["start"] == "2026-06-02T10:00:00+02:00"
    planned = {s["title"]: s for s in organiser_api.get(url).json()["results"]}
    assert planned["Gröna tak"]["start"] == "2026-06-02T15:00:00+02:00"
    assert planned["Gröna tak"]["released"]["start"] == "2026-06-02T10:00:00+02:00"
    assert planned["Gröna tak"]["version"] == moved.version
    assert planned["Not yet"]["released"] is None


def test_a_session_not_released_is_not_found_by_the_public(api, organiser_api, expo, room):
    draft = services.save_session(Session(expo=expo, title="Draft", minutes=45))
    assert api.get(f"/api/v1/sessions/{draft.pk}/").status_code == 404
    answer = organiser_api.get(f"/api/v1/sessions/{draft.pk}/").json()
    assert (answer["room"], answer["start"], answer["minutes"]) == (None, None, 45)


def test_organisers_of_another_expo_cannot_change_a_session(
    api, django_user_model, session, other_expo
):
    other = django_user_model.objects.create_user("otto", password="pw-otto-123")
    other_expo.organisers.add(other)
    api.force_authenticate(other)
    response = api.patch(f"/api/v1/sessions/{session.pk}/", {"title": "Mine"}, format="json")
    assert response.status_code == 403


# Opening days, tracks, conferences


def test_opening_days_are_set_through_the_api(organiser_api, expo):
    url = "/api/v1/expos/city-expo/opening-days/"
    body = {"date": "2026-06-05", "opens_at": "10:00", "closes_at": "01:00", "note": "Late"}
    assert organiser_api.post(url, body, format="json").status_code == 201
    again = organiser_api.post(url, body, format="json")
    assert again.status_code == 400 and "date" in again.json()
    outside = organiser_api.post(url, {**body, "date": "2026-07-01"}, format="json")
    assert outside.status_code == 400 and "date" in outside.json()


def test_a_conference_must_lie_within_the_expo(organiser_api, expo):
    body = {"slug": "c", "name": "C", "start_date": "2026-05-30", "end_date": "2026-06-02"}
    response = organiser_api.post("/api/v1/expos/city-expo/conferences/", body, format="json")
    assert response.status_code == 400
    assert "start_date" in response.json()


# Tokens and the schema


def test_a_token_from_the_command_authenticates(organiser, expo):
    out = io.StringIO()
    call_command("create_api_token", "olga", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=organiser).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.patch("/api/v1/expos/city-expo/", {"name": "Via token"}, format="json")
    assert response.status_code == 200


def test_the_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


def test_the_openapi_schema_describes_the_programme(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/expos/{expo_slug}/sessions/" in paths
    assert "/api/v1/sessions/{id}/" in paths
    assert api.get("/api/docs/").status_code == 200


def test_the_schema_validates_without_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
