"""Warnings that do not refuse a move (``events.selectors.plan_warnings``), shown on the
board's cards and in the API's answers."""

from events import selectors
from events.models import Track
from tests.scheduling.conftest import DAY, planned, unscheduled


def codes(expo, session):
    return [
        warning.code for warning in selectors.plan_warnings(expo, [session]).get(session.pk, [])
    ]


def test_a_room_smaller_than_the_expected_audience(expo, room):
    session = planned(expo, room, 10, expected_audience=150)  # room A1 seats 120
    (warning,) = selectors.plan_warnings(expo, [session])[session.pk]
    assert warning.code == "room_too_small"
    assert warning.message == "Room A1 seats 120; 150 people are expected."
    assert codes(expo, planned(expo, room, 12, expected_audience=120)) == []
    assert codes(expo, planned(expo, room, 14)) == []


def test_a_speaker_on_a_day_they_cannot_come(expo, room, speaker):
    speaker.unavailable_days = [DAY.isoformat()]
    speaker.save()
    session = planned(expo, room, 10, speakers=[speaker])
    (warning,) = selectors.plan_warnings(expo, [session])[session.pk]
    assert warning.code == "speaker_unavailable"
    assert warning.message.startswith("Åsa Öberg cannot come on ")
    speaker.unavailable_days = ["2026-06-03"]
    speaker.save()
    assert codes(expo, session) == []


def test_two_sessions_of_one_track_at_once(expo, room, other_room, track):
    first = planned(expo, room, 10, track=track, title="Sensorer")
    second = planned(expo, other_room, 10, 30, track=track, title="Öppna data")
    warnings = selectors.plan_warnings(expo, [first, second])
    assert [w.code for w in warnings[first.pk]] == ["track_overlap"]
    assert "Öppna data" in warnings[first.pk][0].message
    assert "Sensorer" in warnings[second.pk][0].message
    # Another track, or back to back, is no warning.
    other_track = Track.objects.create(expo=expo, slug="welfare", name="Welfare")
    assert codes(expo, planned(expo, room, 12, track=track)) == []
    assert codes(expo, planned(expo, room, 11, track=other_track)) == []


def test_sessions_in_the_tray_or_cancelled_have_no_warnings(expo, room, track):
    waiting = unscheduled(expo, track=track, expected_audience=1000)
    assert selectors.plan_warnings(expo, [waiting]) == {}


def test_the_api_answers_a_move_with_its_warnings(organiser_api, expo, room, other_room, track):
    planned(expo, room, 13, track=track)
    session = unscheduled(expo, title="Gröna tak", track=track, expected_audience=100)
    answer = organiser_api.post(
        f"/api/v1/sessions/{session.pk}/plan/",
        {"room": "a2", "start": "2026-06-02T13:00"},
        format="json",
    )
    assert answer.status_code == 200
    assert [w["code"] for w in answer.json()["warnings"]] == ["room_too_small", "track_overlap"]
