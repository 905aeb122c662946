import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from events import selectors, services
from events.models import Conference, Expo, OpeningDay, Room, Session, Speaker, Track
from expo.errors import Conflict, InvalidInput
from tests.conftest import at_once, local, released

DAY = dt.date(2026, 6, 2)


def new_session(expo, room, start, end, **fields):
    return Session(
        expo=expo,
        planned_room=room,
        title=fields.pop("title", "Smart mobility"),
        planned_start=start,
        planned_end=end,
        **fields,
    )


def schedule(expo, room, start, end, speakers=(), **fields):
    return services.save_session(new_session(expo, room, start, end, **fields), speakers=speakers)


@pytest.fixture
def booked(expo, room, speaker):
    return schedule(
        expo, room, local(DAY, 10), local(DAY, 11), speakers=[speaker], title="Gröna tak i Malmö"
    )


def test_a_valid_session_is_saved_with_its_speakers(expo, room, speaker):
    session = schedule(expo, room, local(DAY, 10), local(DAY, 11), speakers=[speaker])
    session.refresh_from_db()
    assert list(session.speakers.all()) == [speaker]
    assert session.planned_start == local(DAY, 10)


def test_an_overlapping_session_in_the_same_room_is_refused_naming_the_other(booked, expo, room):
    with pytest.raises(Conflict) as refused:
        schedule(expo, room, local(DAY, 10, 30), local(DAY, 11, 30), title="Late")
    assert refused.value.code == "room_busy"
    assert "Gröna tak i Malmö" in str(refused.value.message)
    assert refused.value.extra["session"] == booked.pk
    assert Session.objects.count() == 1


def test_a_session_inside_another_is_refused(booked, expo, room):
    with pytest.raises(Conflict):
        schedule(expo, room, local(DAY, 10, 15), local(DAY, 10, 45))


def test_back_to_back_sessions_in_one_room_are_fine(booked, expo, room):
    before = schedule(expo, room, local(DAY, 9), local(DAY, 10), title="Before")
    after = schedule(expo, room, local(DAY, 11), local(DAY, 12), title="After")
    assert before.pk and after.pk


def test_the_same_time_in_another_room_is_fine(booked, expo, other_room):
    assert schedule(expo, other_room, local(DAY, 10), local(DAY, 11)).pk


def test_a_speaker_cannot_be_in_two_places_at_once(booked, expo, other_room, speaker):
    with pytest.raises(Conflict) as refused:
        schedule(expo, other_room, local(DAY, 10, 30), local(DAY, 12), speakers=[speaker])
    assert refused.value.code == "speaker_busy"
    assert "Åsa Öberg" in str(refused.value.message)
    assert Session.objects.count() == 1


def test_a_speaker_may_speak_right_after(booked, expo, other_room, speaker):
    assert schedule(expo, other_room, local(DAY, 11), local(DAY, 12), speakers=[speaker]).pk


def test_moving_a_session_onto_another_is_refused_and_changes_nothing(booked, expo, room):
    later = schedule(expo, room, local(DAY, 14), local(DAY, 15), title="Later")
    later.planned_start, later.planned_end = local(DAY, 10, 30), local(DAY, 11, 30)
    with pytest.raises(Conflict):
        services.save_session(later)
    later.refresh_from_db()
    assert later.planned_start == local(DAY, 14)


def test_a_session_may_be_saved_again_in_its_own_slot(booked):
    booked.title = "Gröna tak"
    assert services.save_session(booked).title == "Gröna tak"


def test_a_session_must_end_after_it_starts(expo, room):
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, local(DAY, 11), local(DAY, 10))
    assert "end" in refused.value.errors


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (local(dt.date(2026, 5, 31), 10), local(dt.date(2026, 5, 31), 11)),
        (local(dt.date(2026, 6, 8), 10), local(dt.date(2026, 6, 8), 11)),
    ],
    ids=["before-the-expo", "after-the-expo"],
)
def test_a_session_outside_the_expo_days_is_refused(expo, room, start, end):
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, start, end)
    assert "2026-06-01" in refused.value.errors["start"][0]


def test_a_session_before_opening_is_refused(expo, room):
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, local(DAY, 8), local(DAY, 9, 30))
    assert "09:00" in refused.value.errors["start"][0]


def test_a_session_running_past_closing_time_is_refused(expo, room):
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, local(DAY, 20, 30), local(DAY, 21, 30))
    assert "21:00" in refused.value.errors["start"][0]


def test_a_session_on_a_closed_day_is_refused(expo, room):
    OpeningDay.objects.create(expo=expo, date=DAY, is_closed=True)
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, local(DAY, 10), local(DAY, 11))
    assert "closed" in refused.value.errors["start"][0]


def test_a_late_evening_admits_a_session_after_midnight_and_groups_it_by_its_local_day(expo, room):
    OpeningDay.objects.create(expo=expo, date=DAY, opens_at=dt.time(12), closes_at=dt.time(1))
    next_day = DAY + dt.timedelta(days=1)
    night = released(
        schedule(expo, room, local(next_day, 0, 30), local(next_day, 0, 55), title="Nattjazz")
    )
    # 00:30 in Stockholm in June is 22:30 UTC on the day before.
    assert night.start.astimezone(dt.UTC).date() == DAY
    assert expo.local_day(night.start) == next_day
    assert selectors.sessions_by_day(expo) == {next_day: [night]}
    assert list(selectors.sessions_on_day(expo, next_day)) == [night]
    assert list(selectors.sessions_on_day(expo, DAY)) == []


def test_a_late_evening_still_has_a_closing_time(expo, room):
    OpeningDay.objects.create(expo=expo, date=DAY, opens_at=dt.time(12), closes_at=dt.time(1))
    next_day = DAY + dt.timedelta(days=1)
    with pytest.raises(InvalidInput):
        schedule(expo, room, local(next_day, 0, 30), local(next_day, 1, 30))


def test_the_expos_usual_hours_can_be_changed(room):
    expo = room.expo
    expo.opens_at, expo.closes_at = dt.time(7), dt.time(22)
    expo.save()
    assert schedule(expo, room, local(DAY, 7), local(DAY, 8)).pk


def test_seats_cannot_exceed_the_room(expo, room):
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, local(DAY, 10), local(DAY, 11), capacity=room.capacity + 1)
    assert "capacity" in refused.value.errors


def test_seats_default_to_the_room(expo, room):
    session = schedule(expo, room, local(DAY, 10), local(DAY, 11))
    assert session.seats == room.capacity


def test_references_to_another_expo_are_refused(expo, room, other_expo):
    foreign_track = Track.objects.create(expo=other_expo, slug="t", name="Foreign")
    foreign_speaker = Speaker.objects.create(expo=other_expo, name="Søren Kjær")
    with pytest.raises(InvalidInput) as refused:
        schedule(
            expo,
            room,
            local(DAY, 10),
            local(DAY, 11),
            track=foreign_track,
            speakers=[foreign_speaker],
        )
    assert set(refused.value.errors) == {"track", "speakers"}
    assert Session.objects.count() == 0


def test_a_conference_session_lies_on_the_conference_days(expo, room):
    conference = Conference.objects.create(
        expo=expo,
        slug="housing",
        name="Housing Forum",
        start_date=dt.date(2026, 6, 4),
        end_date=dt.date(2026, 6, 5),
    )
    with pytest.raises(InvalidInput) as refused:
        schedule(expo, room, local(DAY, 10), local(DAY, 11), conference=conference)
    assert "Housing Forum" in refused.value.errors["conference"][0]
    on_day = dt.date(2026, 6, 4)
    assert schedule(expo, room, local(on_day, 10), local(on_day, 11), conference=conference).pk


def test_day_bounds_follow_the_clock_change():
    expo = Expo(
        time_zone="Europe/Stockholm", start_date=dt.date(2026, 3, 28), end_date=dt.date(2026, 3, 30)
    )
    start, end = selectors.day_bounds(expo, dt.date(2026, 3, 29))
    assert end - start == dt.timedelta(hours=23)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_the_database_refuses_overlapping_sessions_written_around_the_service(
    postgres_only, booked, expo, room
):
    with (
        pytest.raises(IntegrityError, match="session_planned_room_no_overlap"),
        transaction.atomic(),
    ):
        Session.objects.create(
            expo=expo,
            planned_room=room,
            title="Sneaked in",
            planned_start=local(DAY, 10, 30),
            planned_end=local(DAY, 11, 30),
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_room_let_exactly_one_through(expo, room):
    threads_count = 8

    def book(index):
        schedule(
            expo,
            Room.objects.get(pk=room.pk),
            local(DAY, 10),
            local(DAY, 11),
            title=f"Session {index}",
        )
        return "saved"

    outcomes = [
        outcome.code if isinstance(outcome, Conflict) else outcome
        for outcome in at_once(book, range(threads_count))
    ]
    assert sorted(outcomes) == ["room_busy"] * (threads_count - 1) + ["saved"]
    assert Session.objects.filter(planned_room=room).count() == 1
