"""The schedule board's moves through the API: ``POST /api/v1/sessions/{id}/plan/``,
``…/unschedule/`` and ``…/cancel/``, each through ``events.services``."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from events.models import Hall, Room, Session
from tests.conftest import at_once, local
from tests.scheduling.conftest import DAY, planned, unscheduled


def plan(client, session, **body):
    return client.post(f"/api/v1/sessions/{session.pk}/plan/", body, format="json")


def test_an_organiser_plans_a_session_from_the_tray(organiser_api, tray_session, room):
    answer = plan(organiser_api, tray_session, room="a1", start="2026-06-02T13:00", version=1)

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert {name: body[name] for name in ("id", "title", "room", "start", "end")} == {
        "id": tray_session.pk,
        "title": "Gröna tak",
        "room": "a1",
        "start": "2026-06-02T13:00:00+02:00",
        "end": "2026-06-02T14:00:00+02:00",
    }
    assert (body["version"], body["minutes"], body["cancelled"]) == (2, 60, False)
    assert body["released"] is None and body["warnings"] == []
    tray_session.refresh_from_db()
    assert tray_session.planned_room == room
    assert tray_session.planned_start == local(DAY, 13)
    # The plan is a draft: nothing is released by a move.
    assert tray_session.start is None and tray_session.room is None


def test_a_resize_gives_the_new_length_or_the_end(organiser_api, expo, room):
    session = planned(expo, room, 10)
    answer = plan(organiser_api, session, room="a1", start="2026-06-02T10:00", minutes=90)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["minutes"] == 90
    assert answer.json()["end"] == "2026-06-02T11:30:00+02:00"
    answer = plan(
        organiser_api, session, room="a1", start="2026-06-02T10:00", end="2026-06-02T10:45"
    )
    assert answer.json()["minutes"] == 45


def test_a_taken_room_is_refused_with_the_session_that_holds_it(
    organiser_api, expo, room, tray_session
):
    planned(expo, room, 13, title="Sensorer i gatan")
    answer = plan(organiser_api, tray_session, room="a1", start="2026-06-02T13:30")
    assert answer.status_code == 409
    assert answer.json()["code"] == "room_busy"
    assert "Sensorer i gatan" in answer.json()["detail"]
    tray_session.refresh_from_db()
    assert tray_session.planned_start is None and tray_session.version == 1


def test_a_speaker_in_two_places_is_refused(organiser_api, expo, room, other_room, speaker):
    planned(expo, room, 13, speakers=[speaker])
    other = unscheduled(expo, title="Annat", speakers=[speaker])
    answer = plan(organiser_api, other, room="a2", start="2026-06-02T13:30")
    assert answer.status_code == 409
    assert answer.json()["code"] == "speaker_busy"


@pytest.mark.parametrize(
    ("start", "words"),
    [
        ("2026-06-02T07:00", "open from"),  # before opening
        ("2026-06-02T20:30", "closes at"),  # runs past closing
        ("2026-06-12T10:00", "outside it"),  # after the expo
    ],
)
def test_hours_outside_opening_time_are_refused(organiser_api, tray_session, room, start, words):
    answer = plan(organiser_api, tray_session, room="a1", start=start)
    assert answer.status_code == 400
    assert words in answer.json()["start"][0]


def test_a_closed_day_is_refused(organiser_api, expo, tray_session, room):
    expo.opening_days.create(date=DAY, is_closed=True)
    answer = plan(organiser_api, tray_session, room="a1", start="2026-06-02T10:00")
    assert answer.status_code == 400
    assert "closed" in answer.json()["start"][0]


def test_a_move_from_a_stale_board_is_refused_with_the_session_as_it_is(
    organiser_api, expo, room, other_room
):
    session = planned(expo, room, 10)  # version 2
    answer = plan(organiser_api, session, room="a2", start="2026-06-02T12:00", version=1)
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "stale"
    assert body["current"]["version"] == 2
    assert body["current"]["room"] == "a1"
    assert body["current"]["start"] == "2026-06-02T10:00:00+02:00"
    session.refresh_from_db()
    assert session.planned_room == room


def test_back_to_the_tray_and_cancelled(organiser_api, expo, room):
    session = planned(expo, room, 10)
    answer = organiser_api.post(
        f"/api/v1/sessions/{session.pk}/unschedule/", {"version": 2}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["room"] is None and answer.json()["version"] == 3
    answer = organiser_api.post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"version": 2}, format="json"
    )
    assert answer.status_code == 409 and answer.json()["code"] == "stale"
    answer = organiser_api.post(f"/api/v1/sessions/{session.pk}/cancel/", {}, format="json")
    assert answer.status_code == 200
    assert answer.json()["cancelled"] is True


# Who may move


@pytest.fixture
def stranger_api(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("sven"))
    return client


def test_only_the_expos_organisers_move_its_sessions(api, stranger_api, tray_session, room):
    for client in (api, stranger_api):
        answer = plan(client, tray_session, room="a1", start="2026-06-02T13:00")
        assert answer.status_code in (401, 403)
        for move in ("unschedule", "cancel"):
            url = f"/api/v1/sessions/{tray_session.pk}/{move}/"
            assert client.post(url, {}, format="json").status_code in (401, 403)
    tray_session.refresh_from_db()
    assert tray_session.version == 1 and not tray_session.cancelled


def test_another_expos_organiser_cannot_move_this_expos_sessions(other_expo, tray_session, room):
    organiser = get_user_model().objects.create_user("otto")
    other_expo.organisers.add(organiser)
    client = APIClient()
    client.force_authenticate(organiser)
    answer = plan(client, tray_session, room="a1", start="2026-06-02T13:00")
    assert answer.status_code == 403
    tray_session.refresh_from_db()
    assert tray_session.version == 1


def test_another_expos_room_is_no_room_of_this_one(organiser_api, other_expo, tray_session):
    hall = Hall.objects.create(expo=other_expo, slug="x", name="X", capacity=100)
    Room.objects.create(expo=other_expo, hall=hall, slug="elsewhere", name="E", capacity=50)
    answer = plan(organiser_api, tray_session, room="elsewhere", start="2026-06-02T13:00")
    assert answer.status_code == 400
    assert "room" in answer.json()


def test_an_unknown_session_is_not_found(organiser_api, room):
    answer = organiser_api.post(
        "/api/v1/sessions/999999/plan/", {"room": "a1", "start": "2026-06-02T13:00"}, format="json"
    )
    assert answer.status_code == 404


# Bad input


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"room": "a1\x00", "start": "2026-06-02T13:00"}, "room"),
        ({"room": "a1", "start": "2026-06-02T13:00\x00"}, "start"),
        ({"room": "a1", "start": "tomorrow at ten"}, "start"),
        ({"room": "a1", "start": "9999-12-31T23:59"}, "start"),
        ({"room": "a1", "start": "0001-01-01T00:00"}, "start"),
        ({"room": "a1", "start": "2026-06-02T13:00", "end": "9999-12-31T23:59"}, "end"),
        ({"room": "a1", "start": "2026-06-02T13:00", "minutes": 10**12}, "minutes"),
        ({"room": "a1", "start": "2026-06-02T13:00", "minutes": 0}, "minutes"),
        ({"room": "a1", "start": "2026-06-02T13:00", "version": 10**30}, "version"),
        ({"room": "a1", "start": "2026-06-02T13:00", "version": "new"}, "version"),
        ({"room": ["a1"], "start": "2026-06-02T13:00"}, "room"),
        (
            {"room": "a1", "start": "2026-06-02T13:00", "end": "2026-06-02T14:00", "minutes": 60},
            "minutes",
        ),
        ({"start": "2026-06-02T13:00"}, "room"),
        ({"room": "a1", "start": "2026-06-02T13:00", "end": "2026-06-02T12:00"}, "end"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    organiser_api, tray_session, room, body, field
):
    answer = plan(organiser_api, tray_session, **body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    tray_session.refresh_from_db()
    assert tray_session.planned_start is None and tray_session.version == 1


def test_a_body_that_is_not_json_is_a_400(organiser_api, tray_session, room):
    answer = organiser_api.post(
        f"/api/v1/sessions/{tray_session.pk}/plan/", "{not json", content_type="application/json"
    )
    assert answer.status_code == 400


def test_the_same_move_sent_twice_is_refused_the_second_time_as_stale(
    organiser_api, tray_session, room
):
    first = plan(organiser_api, tray_session, room="a1", start="2026-06-02T13:00", version=1)
    again = plan(organiser_api, tray_session, room="a1", start="2026-06-02T13:00", version=1)
    assert first.status_code == 200
    assert again.status_code == 409 and again.json()["code"] == "stale"
    assert again.json()["current"]["start"] == "2026-06-02T13:00:00+02:00"
    assert Session.objects.get(pk=tray_session.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_boards_dropping_two_sessions_on_one_slot_at_once_let_one_in(organiser, expo, room):
    sessions = [unscheduled(expo, title=f"Pass {n}") for n in range(4)]

    def drop(session):
        client = APIClient()
        client.force_authenticate(organiser)
        answer = plan(client, session, room="a1", start="2026-06-02T15:00", version=1)
        return answer.status_code, answer.json().get("code")

    outcomes = sorted(at_once(drop, sessions), key=str)
    assert outcomes == [(200, None), (409, "room_busy"), (409, "room_busy"), (409, "room_busy")]
    assert Session.objects.filter(planned_room=room).count() == 1
